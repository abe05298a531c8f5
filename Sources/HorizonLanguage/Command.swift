import HorizonCore

/// A `key=value` option as written.
public struct Option: Equatable, Sendable {
    public var key: Located<String>
    public var value: Located<String>
}

/// `+ADDON key=value …` after the model on a `train` line.
public struct AddOnClause: Equatable, Sendable {
    public var name: Located<String>
    public var options: [Option]
}

/// A parsed command with where it starts and the text the user wrote (for `history`).
public struct Statement: Equatable, Sendable {
    public var command: any CommandNode
    public var location: SourceLocation
    public var text: String
    /// Where the command's tables go as CSV (`evaluate … to scores.csv`), besides the screen.
    public var tablePath: Located<String>?

    /// The command's effects, and writing a file when its tables go to one.
    public var effects: CommandEffects { command.effects.union(tablePath == nil ? [] : .files) }

    /// Two statements are the same when they were written the same at the same place: the
    /// canonical text determines the command.
    public static func == (a: Statement, b: Statement) -> Bool { a.location == b.location && a.text == b.text }
}
