/// The layouts a CSV can have.
public enum DataFormat: String, CaseIterable, Sendable {
    /// item/time/target rows plus any other columns as covariates.
    case long
    /// a time column plus one column per series.
    case wide
    /// the competition layout (M3, M4): one row per series, id first, values after, empty padding.
    case rows
}

/// How rows that share an item and a period are combined (`aggregate=`): the target is summed
/// or averaged; numeric covariates (a price) are averaged either way; text that varies within
/// the combined rows (the item ids summed into a category) is left out.
public enum Aggregation: String, CaseIterable, Sendable {
    case sum, mean
}

/// What the user said on the `load` line; anything nil is detected.
public struct LoadOptions: Sendable {
    public var format: DataFormat?
    /// One or more columns that together identify a series (`item=store,brand`).
    public var itemColumns: [String]?
    public var timeColumn: String?
    public var targetColumn: String?
    public var frequency: Frequency?
    public var season: Int?
    /// A held-out continuation in the same layout (the competition test file).
    public var testPath: String?
    /// Combine rows sharing an item and a period (`freq=` coarser than the data, or `item=` a
    /// level of the hierarchy such as category); nil: such rows are an error.
    public var aggregation: Aggregation?
    /// The columns besides item, time and target, as declared (`horizon batch`): nil lets the
    /// loader decide from the file which are covariates and which are attributes.
    public var declared: DeclaredColumns?
    /// Whether a problem confined to one series (a cell that is not a number, two rows for one
    /// time, an attribute that changes) leaves that series out with a `SeriesFailure` instead
    /// of failing the whole load.
    public var isolatesSeries = false

    public init(format: DataFormat? = nil, itemColumns: [String]? = nil, timeColumn: String? = nil,
                targetColumn: String? = nil, frequency: Frequency? = nil, season: Int? = nil, testPath: String? = nil) {
        self.format = format
        self.itemColumns = itemColumns
        self.timeColumn = timeColumn
        self.targetColumn = targetColumn
        self.frequency = frequency
        self.season = season
        self.testPath = testPath
    }
}

/// Which columns are what, said in advance rather than detected from the rows.
///
/// Why: a file split into partitions and loaded part by part (on Spark) must be read the same
/// way in every part; detection from a sample could call a text column an attribute in one part
/// (constant there) and a covariate over time in another. Undeclared columns are ignored.
public struct DeclaredColumns: Sendable, Equatable {
    /// Numeric covariates over time (price, promo).
    public var numeric: [String]
    /// Text covariates over time (an event name).
    public var categorical: [String]
    /// Text attributes, one value per item (category, store).
    public var statics: [String]

    public init(numeric: [String] = [], categorical: [String] = [], statics: [String] = []) {
        self.numeric = numeric
        self.categorical = categorical
        self.statics = statics
    }
}

/// One series that could not be used, and why; every other series goes on.
public struct SeriesFailure: Sendable, Equatable {
    public var item: String
    /// Where it failed: `load` or `forecast`.
    public var stage: String
    public var message: String

    public init(item: String, stage: String, message: String) {
        self.item = item
        self.stage = stage
        self.message = message
    }
}

/// A loaded dataset: the panel and what the loader detected, in words for the user.
public struct LoadedData: Sendable {
    /// Every series in full, including a test continuation when one was given.
    public var panel: Panel
    /// Per series, how many final points came from the test file (nil: no test file).
    public var testLengths: [Int]?
    /// What was detected or assumed, one line each ("format: long (detected)", …).
    public var report: [String]
    /// Rows read from the file(s).
    public var rowsRead: Int
    /// The series left out with what was wrong with them (only with `isolatesSeries`).
    public var failures: [SeriesFailure] = []
}
