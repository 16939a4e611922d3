using System.CommandLine;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class StateCommand
{
    private static readonly Option<string> From = CommonOptions.Value("--from", "STATE", "the state to copy (it must exist; it is only read)");

    private static readonly Option<string> To = CommonOptions.Value("--to", "STATE",
        "where to copy it (a new SQLite file, or an empty database: createdb first)");

    private static readonly Option<bool> Force = CommonOptions.Flag("--force",
        "copy into a target that already holds a state: rows of the source replace the target's rows with the same key " +
        "(same run id, same flow and row), the target's other rows stay");

    private static readonly Option<bool> JsonOutput = CommonOptions.Flag("--json", "print what was copied as JSON");

    /// <summary>"state" only groups its verbs; "state copy" does the work.</summary>
    public static VerbCommand Create() => new("state", "work on a whole state: copy it to another store (the SQLite file to PostgreSQL)")
    {
        new VerbCommand("copy", "copy a whole state to another store (the SQLite file to PostgreSQL)")
        {
            Details = """
                Copies a whole state to another store: runs and their history lines, the journal (every recorded step and
                in-flight marker), each flow's source position, and the flow switches (on/off). Leases are not copied: they
                belong to running processes. The usual move is from the SQLite file to PostgreSQL, when one machine is no
                longer enough: a run on the copy knows every row the file knew and processes none of them again.
                STATE is a SQLite file path or a PostgreSQL database (postgres://user:password@host:5432/db, or
                Host=...;Database=...;Username=...;Password=...); see docs/state.md. Stop every 'serve' and 'run' on the
                source first: rows they record during the copy are not in it.
                The copy is one transaction on the target: it is all there or not at all. The target's schema is created or
                upgraded first; a target that already holds a state is refused unless --force is given.
                """,
            Examples = ["rulesengine state copy --from state/rulesengine.db --to postgres://rulesengine@db.internal:5432/rulesengine"],
            ExitCodes = new Dictionary<ExitCode, string>
            {
                [ExitCode.Ok] = "copied",
                [ExitCode.Failed] = "refused: a missing source, a target that already holds a state (without --force), an unreachable database",
            },
            Handler = CopyAsync,
            Options = { From, To, Force, JsonOutput },
        },
    };

    private static Task<ExitCode> CopyAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var from = parse.GetValue(From) ?? throw new UsageException("name the state to copy with --from STATE");
        var to = parse.GetValue(To) ?? throw new UsageException("name where to copy it with --to STATE");
        if (StateStores.Describe(from) == StateStores.Describe(to)) throw new UsageException($"--from and --to name the same state ({StateStores.Describe(from)})");

        if (!StateStores.Exists(from))
        {
            console.Error($"state copy: no {StateStores.Noun(from)} at {StateStores.Describe(from)}: nothing to copy (check --from)");
            return Task.FromResult(ExitCode.Failed);
        }
        using var source = StateStores.Open(from);
        using var target = StateStores.Open(to);
        var fromTransfer = Transfer(source);
        var toTransfer = Transfer(target);
        var already = toTransfer.CountRows();
        if (StateCopy.HoldsAnything(already) && !parse.GetValue(Force))
        {
            console.Error($"state copy: the target {target.Location} already holds a state ({Describe(already)}); copying into it would mix two " +
                "histories. Copy into a new file or an empty database, or pass --force to merge (the source's rows replace the target's rows with the same key).");
            return Task.FromResult(ExitCode.Failed);
        }

        var copied = StateCopy.Copy(fromTransfer, toTransfer);

        if (parse.GetValue(JsonOutput))
            console.Out(new JObject
            {
                ["from"] = source.Location,
                ["to"] = target.Location,
                ["copied"] = new JObject(copied.Select(c => new JProperty(JsonName(c.Key), c.Value))),
            }.ToString());
        else
            console.Out($"copied {source.Location} to {target.Location}: {Describe(copied)}");
        return Task.FromResult(ExitCode.Ok);
    }

    private static IStateTransfer Transfer(IStateStore store) =>
        store as IStateTransfer ?? throw new InvalidOperationException($"the state {store.Location} cannot be exported or imported");

    private static string Describe(IReadOnlyDictionary<string, long> counts) =>
        string.Join(", ", counts.Select(c => $"{c.Value} {c.Key.Replace('_', ' ')}"));

    /// <summary>camelCase, as every --json output: run_items → runItems.</summary>
    private static string JsonName(string table)
    {
        var parts = table.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
