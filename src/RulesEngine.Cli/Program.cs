// A catastrophic regex in a user condition must time out; the default is only honoured when set before any
// Regex is created, so it is the first thing the process does.
RulesEngine.Core.Expressions.ExpressionCompiler.SetRegexTimeout(TimeSpan.FromSeconds(2));

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await RulesEngine.Cli.CliApp.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
