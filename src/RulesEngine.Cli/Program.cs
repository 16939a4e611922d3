// A catastrophic regex in a user condition must time out; the default is only honoured when set before any
// Regex is created, so it is the first thing the process does.
RulesEngine.Core.Expressions.ExpressionCompiler.SetRegexTimeout(TimeSpan.FromSeconds(2));

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
// Progress is drawn as a live line only on an interactive terminal; piped or captured output gets plain lines.
var environment = new RulesEngine.Cli.CliEnvironment(ErrorsIsTerminal: !Console.IsErrorRedirected, TimeProvider.System);
return await RulesEngine.Cli.CliApp.RunAsync(args, Console.Out, Console.Error, environment, cancellation.Token);
