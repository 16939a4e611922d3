using Newtonsoft.Json.Linq;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class StateCommand
{
    public const string Help = """
        Usage: rulesengine state copy --from STATE --to STATE [--force] [--json]

        Copies a whole state to another store: runs and their history lines, the journal (every recorded step and
        in-flight marker), each flow's source position, and the flow switches (on/off). Leases are not copied: they
        belong to running processes. The usual move is from the SQLite file to PostgreSQL, when one machine is no
        longer enough: a run on the copy knows every row the file knew and processes none of them again.
        STATE is a SQLite file path or a PostgreSQL database (postgres://user:password@host:5432/db, or
        Host=...;Database=...;Username=...;Password=...); see docs/state.md. Stop every 'serve' and 'run' on the
        source first: rows they record during the copy are not in it.
        The copy is one transaction on the target: it is all there or not at all. The target's schema is created or
        upgraded first; a target that already holds a state is refused unless --force is given.

        Options:
          --from STATE   the state to copy (it must exist; it is only read)
          --to STATE     where to copy it (a new SQLite file, or an empty database: createdb first)
          --force        copy into a target that already holds a state: rows of the source replace the target's rows
                         with the same key (same run id, same flow and row), the target's other rows stay
          --json         print what was copied as JSON

        Exit codes: 0 copied, 1 refused (missing source, non-empty target, unreachable database), 64 usage.

        Example:
          rulesengine state copy --from state/rulesengine.db --to postgres://rulesengine@db.internal:5432/rulesengine
        """;

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("from", "to", "force", "json");
        if (args.Positionals.Count != 1 || args.Positionals[0] != "copy")
            throw new UsageException("say what to do with the state: 'rulesengine state copy --from STATE --to STATE'");
        var from = args.Get("from") ?? throw new UsageException("name the state to copy with --from STATE");
        var to = args.Get("to") ?? throw new UsageException("name where to copy it with --to STATE");
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
        if (StateCopy.HoldsAnything(already) && !args.Has("force"))
        {
            console.Error($"state copy: the target {target.Location} already holds a state ({Describe(already)}); copying into it would mix two " +
                "histories. Copy into a new file or an empty database, or pass --force to merge (the source's rows replace the target's rows with the same key).");
            return Task.FromResult(ExitCode.Failed);
        }

        var copied = StateCopy.Copy(fromTransfer, toTransfer);

        if (args.Has("json"))
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
