using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace RulesEngine.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/RulesEngine.Benchmarks -- --filter '*'</c> runs the BenchmarkDotNet
/// suites; <c>-- compile N [warm]</c> times one compile of N distinct conditions in this (fresh) process, then the
/// first explanation of each (which compiles the explaining twins of the set); <c>-- sheet-read N</c> measures the
/// new-rows source's whole-tab read and key comparison on N rows (see <see cref="SheetReadCost"/>);
/// <c>-- telemetry-cost ROWS [ROUNDS]</c> runs the canonical flow with metrics and traces off and on (see <see cref="TelemetryCost"/>);
/// <c>-- canonical N</c> runs the canonical flow on N rows against the emulators with the service limits on (see <see cref="CanonicalBench"/>);
/// <c>-- canonical N --serve</c> the same in rounds of N new rows through a running daemon (see <see cref="CanonicalServeBench"/>);
/// <c>-- console-pages [runs] [rowsPerRun] [openEvery]</c> the web console's server time per page and serve's memory
/// with it on and off (see <see cref="ConsolePages"/>);
/// <c>-- journal N</c> times the journal writes of N rows on SQLite and PostgreSQL (see <see cref="JournalCost"/>);
/// <c>-- serve-memory N</c> what a daemon run keeps alive over N rows (see <see cref="ServeRunMemory"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["canonical", _, ..])
            return (args.Contains("--serve") ? CanonicalServeBench.RunAsync(args) : CanonicalBench.RunAsync(args)).GetAwaiter().GetResult();
        if (args is ["sheet-read", var rows, ..]) return SheetReadCost.Measure(int.Parse(rows, CultureInfo.InvariantCulture));
        if (args is ["sheet-serve", var served]) return SheetReadCost.Serve(int.Parse(served, CultureInfo.InvariantCulture));
        if (args is ["sheet-poll", var baseUrl, var statePath]) return SheetReadCost.Poll(baseUrl, statePath);
        if (args is ["telemetry-cost", var costRows, ..])
            return TelemetryCost.Measure(int.Parse(costRows, CultureInfo.InvariantCulture), args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5);
        if (args is ["console-pages", ..])
            return ConsolePages.Measure(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000,
                args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000,
                args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100);
        if (args is ["serve-memory", var serveRows]) return ServeRunMemory.Measure(int.Parse(serveRows, CultureInfo.InvariantCulture));
        if (args is ["journal", var journalRows]) return JournalCost.Measure(int.Parse(journalRows, CultureInfo.InvariantCulture));
        if (args is ["compile", var n, ..])
            return CompileTiming(int.Parse(n, CultureInfo.InvariantCulture), reps: args.Contains("warm") ? 5 : 1);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args,
            DefaultConfig.Instance.AddColumn(StatisticColumn.Median, StatisticColumn.Min));
        return 0;
    }

    /// <summary>Prints the time of each compile of N conditions: the first in a fresh process is "cold" (Roslyn
    /// JIT included); with "warm", four more distinct sets follow in the same process (a daemon's reload).</summary>
    private static int CompileTiming(int count, int reps)
    {
        for (var rep = 0; rep < reps; rep++)
        {
            var codes = Enumerable.Range(0, count)
                .Select(i => $"Email.EndsWith(\"@acme{i}-{rep}.com\") && update.Result == {i % 3} || Plan == \"p{i}\" && Company.Length > {i % 7}")
                .ToArray();
            var clock = Stopwatch.StartNew();
            var conditions = Conditions.Compile(codes);
            var compiled = clock.Elapsed.TotalMilliseconds;
            var scope = Conditions.Scope();
            foreach (var condition in conditions) condition.Evaluate(scope);
            var evaluated = clock.Elapsed.TotalMilliseconds;
            foreach (var condition in conditions) condition.Explain(scope);
            Console.WriteLine(FormattableString.Invariant(
                $"{{\"n\": {count}, \"rep\": {rep}, \"compileMs\": {compiled:F0}, \"firstEvalAllMs\": {evaluated - compiled:F0}, \"firstExplainAllMs\": {clock.Elapsed.TotalMilliseconds - evaluated:F0}}}"));
        }
        return 0;
    }
}
