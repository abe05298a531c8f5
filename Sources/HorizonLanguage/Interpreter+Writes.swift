import Foundation
import HorizonCore

/// Every file a command writes goes through here: refused when it is a file the session
/// reads from (the loaded data, its test file, a running script or the notebook's script),
/// then written by `AtomicFile`, which replaces only regular files and streams into FIFOs
/// and devices.
extension Interpreter {
    /// The files a write must never replace, with what they are, in words.
    var protectedFiles: [(path: String, role: String)] {
        session.sourceFiles.map { ($0, "the data this session loaded") }
            + runningScripts.map { ($0, "a script that is running") }
            + frontEndFiles
    }

    /// What `path` is when it is one of the protected files, nil otherwise: for what a front
    /// end writes itself (the notebook page) after the commands ran.
    public func protectedRole(of path: String) -> String? {
        protectedFiles.first { AtomicFile.sameDestination(path, $0.path) }.map { "\($0.role) ('\(Visible.name($0.path))')" }
    }

    /// A located error if `path` is one of the protected files (links and hard links seen through).
    func checkWritable(_ path: Located<String>) throws {
        if let what = protectedRole(of: path.value) {
            throw HorizonError("'\(Visible.name(path.value))' is \(what): writing there would destroy it; choose another file", at: path.location)
        }
    }

    /// Writes `text` to `path` after `checkWritable`; errors are located at the path.
    func writeFile(_ path: Located<String>, _ text: String) throws {
        try writeFile(path) { fd in try AtomicFile.writeAll(Data(text.utf8), to: fd) }
    }

    /// Writes through `fill` (which may write in pieces and may throw `Interrupted`).
    func writeFile(_ path: Located<String>, _ fill: (Int32) throws -> Void) throws {
        try checkWritable(path)
        do { try AtomicFile.write(to: path.value, fill) } catch let error as Interrupted {
            throw error
        } catch let error as HorizonError {
            throw error.located(at: path.location)
        } catch {
            throw HorizonError("cannot write '\(Visible.name(path.value))': \(error.localizedDescription)", at: path.location)
        }
    }
}
