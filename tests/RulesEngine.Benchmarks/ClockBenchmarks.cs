using System.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace RulesEngine.Benchmarks;

/// <summary>The clocks a time budget can read per check.</summary>
public class ClockBenchmarks
{
    [Benchmark(Baseline = true)] public long StopwatchTimestamp() => Stopwatch.GetTimestamp();
    [Benchmark] public long TickCount64() => Environment.TickCount64;
}
