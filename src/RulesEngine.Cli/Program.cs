// A catastrophic regex in a user condition must time out; the default is only honoured when set before any
// Regex is created, so it is the first thing the process does.
RulesEngine.Core.Expressions.ExpressionCompiler.SetRegexTimeout(TimeSpan.FromSeconds(2));
// Before the runtime maps much memory: no huge pages for a process that touches a few bytes here and there.
RulesEngine.Cli.Hosting.HugePages.DisableForThisProcess();

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
// Progress is drawn as a live line only on an interactive terminal; piped or captured output gets plain lines.
var terminal = !Console.IsErrorRedirected;
var environment = new RulesEngine.Cli.CliEnvironment(terminal, TimeProvider.System, terminal ? TerminalWidth() : 0);
return await RulesEngine.Cli.CliApp.RunAsync(args, Console.Out, Console.Error, environment, cancellation.Token);

static int TerminalWidth()
{
    try
    {
        return Console.WindowWidth;
    }
    catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
    {
        return 0; // no size known: the line is drawn as it is
    }
}
