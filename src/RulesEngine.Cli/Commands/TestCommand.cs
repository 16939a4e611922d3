using RulesEngine.Core.Running;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli.Commands;

internal static class TestCommand
{
    public const string Help = """
        Usage: rulesengine test <flow.json> [--row N] [--send] [--explain] [--connections FILE]

        Loads one real row from the source (row N of the sheet, or the last row) and shows, for each step, the exact
        request it would send and which If branches would be taken. Nothing is sent (read-only look-ups such as a
        contact search may run to predict the outcome), nothing is recorded, and the new-rows position does not move.

        With --send, that one row really goes through the steps ("send test data"), and each step's result fields
        are shown. The position still does not move and nothing is recorded in the history.
        Exit code 0 when the row was shown (whatever its steps did: that is data), 1 when the flow does not load,
        2 when the source cannot be read or has no such row.

        Options:
          --row N              the sheet row number to use (default: the last row)
          --send               really send the row through the steps
          --explain            show, for each If, the value of every part of its condition
          --connections FILE   the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json)

        Examples:
          rulesengine test rules/helpcrunch-contacts.json
          rulesengine test rules/helpcrunch-contacts.json --row 5 --send
          rulesengine test rules/helpcrunch-contacts.json --row 17 --explain
        """;

    public static async Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("connections", "row", "send", "explain");
        if (args.Positionals.Count != 1) throw new UsageException("name exactly one flow file");
        var flow = FlowSession.LoadOne(args.Positionals[0], args.ConnectionsPath(), console);
        if (flow is null) return ExitCode.Failed;
        var row = args.Int("row");
        SourceItem? item;
        try
        {
            item = await flow.Source.ReadSampleAsync(row, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            console.Error($"the source could not be read: {e.Message}");
            return ExitCode.SourceUnreadable;
        }
        if (item is null)
        {
            console.Error(row is null ? "the source has no rows to test with" : $"row {row} is empty or does not exist");
            return ExitCode.SourceUnreadable;
        }
        var send = args.Has("send");
        var report = await new FlowTester().TestAsync(flow, item, send, cancellationToken);
        ReportPrinter.PrintTest(report, flow, send, console, explain: args.Has("explain"));
        return ExitCode.Ok;
    }
}
