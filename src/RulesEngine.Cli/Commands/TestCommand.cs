using System.CommandLine;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Core.Running;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli.Commands;

internal static class TestCommand
{
    private static readonly Argument<string> Flow = CommonOptions.FlowFile();

    private static readonly Option<int?> Row = CommonOptions.Number("--row", "N", "the sheet row number to use (default: the last row)");

    private static readonly Option<bool> Send = CommonOptions.Flag("--send", "really send the row through the steps");

    private static readonly Option<bool> Explain = CommonOptions.Flag("--explain", "show, for each If, the value of every part of its condition");

    public static VerbCommand Create() => new("test", "show what the flow would do with one real row, without side effects")
    {
        Details = """
            Loads one real row from the source (row N of the sheet, or the last row) and shows, for each step, the exact
            request it would send and which If branches would be taken. Nothing is sent (read-only look-ups such as a
            contact search may run to predict the outcome), nothing is recorded, and the new-rows position does not move.

            With --send, that one row really goes through the steps ("send test data"), and each step's result fields
            are shown. The position still does not move and nothing is recorded in the history.
            """,
        Examples =
        [
            "rulesengine test rules/helpcrunch-contacts.json",
            "rulesengine test rules/helpcrunch-contacts.json --row 5 --send",
            "rulesengine test rules/helpcrunch-contacts.json --row 17 --explain",
        ],
        ExitCodes = new Dictionary<ExitCode, string>
        {
            [ExitCode.Ok] = "when the row was shown (whatever its steps did: that is data)",
            [ExitCode.Failed] = "when the flow does not load",
            [ExitCode.Unavailable] = "when the source cannot be read or has no such row",
        },
        Handler = RunAsync,
        Arguments = { Flow },
        Options = { Row, Send, Explain, CommonOptions.Connections },
    };

    private static async Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var flow = FlowSession.LoadOne(parse.GetRequiredValue(Flow), CommonOptions.ConnectionsPath(parse), console);
        if (flow is null) return ExitCode.Failed;
        var row = parse.GetValue(Row);
        // Reading a sample never moves a position, and nothing here touches the state store.
        var item = await FlowSession.ReadSampleAsync(flow, row, "the source has no rows to test with", console, cancellationToken);
        if (item is null) return ExitCode.Unavailable;
        var send = parse.GetValue(Send);
        var report = await new FlowTester().TestAsync(flow, item, send, cancellationToken);
        ReportPrinter.PrintTest(report, flow, send, console, explain: parse.GetValue(Explain));
        return ExitCode.Ok;
    }
}
