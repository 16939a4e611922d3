using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RulesEngine.Core.Running;

/// <summary>
/// Who holds a run lease, written so that another process on the same machine can tell when the holder is gone:
/// <c>pid 4242 on host (started 638712345678901234), 1a2b3c</c>. A crashed run's lease is taken over at once by the
/// next run on the same machine; from another machine it expires after <see cref="FlowRunner.LeaseDuration"/>.
/// </summary>
internal static partial class LeaseHolder
{
    public static string ForThisProcess()
    {
        using var self = Process.GetCurrentProcess();
        return $"pid {Environment.ProcessId} on {Environment.MachineName} (started {self.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture)}), {Guid.NewGuid().ToString("N")[..6]}";
    }

    /// <summary>True only when the holder is a process of this machine that has ended (or whose pid now belongs to a
    /// process started at another time). Anything else, including a holder we cannot parse, counts as alive.</summary>
    public static bool IsGone(string holder)
    {
        var match = Format().Match(holder);
        if (!match.Success || match.Groups["host"].Value != Environment.MachineName) return false;
        var pid = int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture);
        var started = long.Parse(match.Groups["started"].Value, CultureInfo.InvariantCulture);
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited) return true;
            // Start times are read at different resolutions on different systems: compare to the second.
            return Math.Abs(process.StartTime.ToUniversalTime().Ticks - started) > TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
        catch (InvalidOperationException)
        {
            return true; // it exited while we looked
        }
    }

    /// <summary>The holder as people read it: <c>pid 4242 on host</c> (the start time and nonce are for machines).</summary>
    public static string Describe(string holder)
    {
        var match = Format().Match(holder);
        return match.Success ? $"pid {match.Groups["pid"].Value} on {match.Groups["host"].Value}" : holder;
    }

    [GeneratedRegex(@"^pid (?<pid>\d+) on (?<host>\S+) \(started (?<started>\d+)\), ")]
    private static partial Regex Format();
}
