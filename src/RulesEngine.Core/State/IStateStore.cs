namespace RulesEngine.Core.State;

/// <summary>
/// Durable memory of runs, one interface per concern: the history (<see cref="IRunHistory"/>), the per-item journal
/// (<see cref="IItemJournal"/>), source positions (<see cref="ISourcePositions"/>), run leases
/// (<see cref="IRunLeases"/>) and flow switches (<see cref="IFlowSwitches"/>). Contract: each call returns only once
/// what it recorded is durable. Implementations: <see cref="SqliteStateStore"/> (a file, the default) and the
/// PostgreSQL store (RulesEngine.State.Postgres); both pass the same contract tests (tests/RulesEngine.State.Tests).
/// A new member goes into the interface of its concern; a new concern is a new small interface added here.
/// </summary>
internal interface IStateStore : IRunHistory, IItemJournal, ISourcePositions, IRunLeases, IFlowSwitches, IDisposable
{
    /// <summary>Where the state lives, safe to print: a file path, or a database as <c>postgres://user@host:port/db</c>
    /// (never a password).</summary>
    string Location { get; }

    /// <summary>True when the state held nothing before this store opened it (a new file, an empty database): a run
    /// on it knows no row, so it processes every row again.</summary>
    bool IsNew { get; }
}
