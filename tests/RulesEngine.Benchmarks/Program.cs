using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace RulesEngine.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/RulesEngine.Benchmarks -- --filter '*'</c> runs the BenchmarkDotNet
/// suites; <c>-- compile N [notwins]</c> times one compile of N distinct conditions in this (fresh) process.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["compile", var n, ..])
            return CompileTiming(int.Parse(n, CultureInfo.InvariantCulture), twins: !args.Contains("notwins"), reps: args.Contains("warm") ? 5 : 1);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args,
            DefaultConfig.Instance.AddColumn(StatisticColumn.Median, StatisticColumn.Min));
        return 0;
    }

    /// <summary>Prints the time of each compile of N conditions: the first in a fresh process is "cold" (Roslyn
    /// JIT included); with "warm", four more distinct sets follow in the same process (a daemon's reload).</summary>
    private static int CompileTiming(int count, bool twins, int reps)
    {
        for (var rep = 0; rep < reps; rep++)
        {
            var codes = Enumerable.Range(0, count)
                .Select(i => $"Email.EndsWith(\"@acme{i}-{rep}.com\") && update.Result == {i % 3} || Plan == \"p{i}\" && Company.Length > {i % 7}")
                .ToArray();
            var clock = Stopwatch.StartNew();
            var conditions = Conditions.Compile(codes, twins: twins);
            var compiled = clock.Elapsed.TotalMilliseconds;
            var scope = Conditions.Scope();
            foreach (var condition in conditions) condition.Evaluate(scope);
            Console.WriteLine(FormattableString.Invariant(
                $"{{\"n\": {count}, \"twins\": {(twins ? "true" : "false")}, \"rep\": {rep}, \"compileMs\": {compiled:F0}, \"firstEvalAllMs\": {clock.Elapsed.TotalMilliseconds - compiled:F0}}}"));
        }
        return 0;
    }
}
