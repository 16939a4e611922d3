namespace RulesEngine.Core.State;

/// <summary>The kind of a column as stores exchange it: each store maps it onto its own types.</summary>
internal enum StateColumnKind
{
    /// <summary><see cref="string"/>.</summary>
    Text,
    /// <summary><see cref="long"/>.</summary>
    Integer,
    /// <summary><see cref="DateTimeOffset"/>.</summary>
    Time,
    /// <summary><see cref="bool"/>.</summary>
    Flag,
}

internal sealed record StateColumn(string Name, StateColumnKind Kind, bool Nullable = false);

/// <summary>One table every store keeps, with the same columns, so a whole state can move between stores
/// (<see cref="StateCopy"/>). <paramref name="Order"/> is the order rows are read and written in (the journal's
/// steps keep the order they were recorded in).</summary>
internal sealed record StateTable(string Name, IReadOnlyList<StateColumn> Columns, IReadOnlyList<string> Key, string Order)
{
    /// <summary>Everything a state holds except leases (a lease belongs to a running process, not to the history).</summary>
    public static readonly IReadOnlyList<StateTable> All =
    [
        new("runs", [Text("id"), Text("flow"), Time("started_at"), Time("finished_at", nullable: true), Text("status"), Text("error"), Text("holder")],
            ["id"], "started_at, id"),
        new("run_items", [Text("run_id"), Integer("number"), Text("item_key"), Text("status"), Integer("failed_steps"), Text("error"), Text("fields"),
            Text("source_key"), Text("flow"), Text("attention", nullable: true)], ["run_id", "item_key"], "run_id, number, item_key"),
        new("items", [Text("flow"), Text("source_key"), Text("item_key"), Text("status"), Text("run_id"), Time("updated_at")],
            ["flow", "source_key", "item_key"], "flow, source_key, item_key"),
        new("steps", [Text("flow"), Text("source_key"), Text("item_key"), Text("step_id"), Integer("result"), Text("error"), Text("output"),
            Text("run_id"), Time("recorded_at")], ["flow", "source_key", "item_key", "step_id"], "recorded_at"),
        new("in_flight", [Text("flow"), Text("source_key"), Text("item_key"), Text("step_id"), Text("run_id"), Time("started_at"), Text("reason")],
            ["flow", "source_key", "item_key", "step_id"], "flow, source_key, item_key, step_id"),
        new("positions", [Text("flow"), Text("source_key"), Text("position"), Time("updated_at")], ["flow", "source_key"], "flow, source_key"),
        new("flow_switches", [Text("flow"), Flag("enabled"), Time("updated_at")], ["flow"], "flow"),
    ];

    /// <summary>An upsert of one row: the same text on SQLite and PostgreSQL (both take ON CONFLICT ... excluded).</summary>
    public string UpsertSql(Func<int, string> parameter) =>
        $"INSERT INTO {Name}({string.Join(", ", Columns.Select(c => c.Name))}) " +
        $"VALUES ({string.Join(", ", Columns.Select((_, i) => parameter(i)))}) " +
        $"ON CONFLICT ({string.Join(", ", Key)}) DO UPDATE SET " +
        string.Join(", ", Columns.Where(c => !Key.Contains(c.Name)).Select(c => $"{c.Name}=excluded.{c.Name}"));

    private static StateColumn Text(string name, bool nullable = false) => new(name, StateColumnKind.Text, nullable);
    private static StateColumn Integer(string name) => new(name, StateColumnKind.Integer);
    private static StateColumn Time(string name, bool nullable = false) => new(name, StateColumnKind.Time, nullable);
    private static StateColumn Flag(string name) => new(name, StateColumnKind.Flag);
}
