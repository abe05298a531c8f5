import Foundation
import HorizonData
import HorizonLanguage
import Testing
@testable import HorizonFuzzing

/// The committed fuzz corpora (minimised by `scripts/fuzz.sh`) replayed through the same entry
/// points the libFuzzer targets call, without sanitizers: every input must be accepted or
/// refused with a `HorizonError`, never crash, trap or break an invariant. They run with every
/// `swift test`, in seconds; CI also fuzzes each target briefly with sanitizers (`.ci/run`).
@Suite struct CorpusReplayTests {
    static let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz").path

    /// Every committed input of a target: its corpus and its regression inputs.
    static func inputs(_ target: String) -> [String] {
        ["corpus", "regressions"].flatMap { folder -> [String] in
            let directory = "\(fuzzRoot)/\(folder)/\(target)"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return names.sorted().map { "\(directory)/\($0)" }
        }
    }

    static func replay(_ target: String, _ entry: ([UInt8]) throws -> FuzzOutcome) throws {
        let files = inputs(target)
        #expect(files.count >= 5, "the \(target) corpus is missing or nearly empty")
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            do { _ = try entry(bytes) } catch {
                Issue.record("\((file as NSString).lastPathComponent): \(error)")
            }
        }
    }

    @Test func scriptCorpus() throws { try Self.replay("fuzz-script", ScriptEntry.run) }
    @Test func longCorpus() throws { try Self.replay("fuzz-long") { try LoaderEntry.load($0, format: .long) } }
    @Test func wideCorpus() throws { try Self.replay("fuzz-wide") { try LoaderEntry.load($0, format: .wide) } }
    @Test func rowsCorpus() throws { try Self.replay("fuzz-rows") { try LoaderEntry.load($0, format: .rows) } }
    @Test func detectCorpus() throws { try Self.replay("fuzz-detect", LoaderEntry.loadFile) }
    @Test func chartCorpus() throws { try Self.replay("fuzz-chart", ChartEntry.run) }

    /// The script fuzzer's dictionary holds every word the language's usage lines show —
    /// command names, sub-commands, option keys (as `key=`) and their fixed values — so a new
    /// command or option is fuzzed from its first day rather than when someone remembers.
    @Test func theScriptDictionaryKnowsEveryWordOfTheLanguage() throws {
        let text = try String(contentsOfFile: "\(Self.fuzzRoot)/dictionaries/fuzz-script.dict", encoding: .utf8)
        let entries = Set(text.split(separator: "\n").filter { $0.hasPrefix("\"") }.map { String($0.dropFirst().dropLast()) })
        let word = #/[a-z][a-z0-9+]*=?/#
        for syntax in CommandTable.all.map({ $0.declaration }) {
            // File extensions and the `key=value` placeholder are not words of the language.
            let usage = syntax.usage.replacing(#/\.[a-z]+/#, with: "").replacing("key=value", with: "")
            for match in usage.matches(of: word) {
                #expect(entries.contains(String(match.output)), "'\(match.output)' (from `\(syntax.usage)`) is not in fuzz-script.dict")
            }
        }
    }
}
