using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RulesEngine.Core.Running;

/// <summary>
/// Who holds a run lease, written so that another process on the same machine can tell when the holder is gone:
/// <c>pid 4242 on host (started 638712345678901234), 1a2b3c</c>, and on a cluster node
/// <c>..., 1a2b3c, node web1-4242-9d8e7f</c>. A crashed run's lease is taken over at once by the next run on the same
/// machine, or by any node once the cluster knows the holder's node stopped checking in
/// (<see cref="IClusterMembers"/>); otherwise it expires after <see cref="FlowRunner.LeaseDuration"/>.
/// </summary>
internal static partial class LeaseHolder
{
    public static string ForThisProcess(string? node = null)
    {
        using var self = Process.GetCurrentProcess();
        var holder = $"pid {Environment.ProcessId} on {Environment.MachineName} (started {self.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture)}), {Guid.NewGuid().ToString("N")[..6]}";
        return node is null ? holder : $"{holder}, node {node}";
    }

    /// <summary>The cluster node a holder names (see <see cref="ForThisProcess"/>), null for a process outside a
    /// cluster (a <c>run</c> from the CLI, a one-machine daemon) or a holder we cannot parse.</summary>
    public static string? NodeOf(string holder)
    {
        var match = NodeFormat().Match(holder);
        return match.Success ? match.Groups["node"].Value : null;
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

    /// <summary>The holder as a person reads it: <c>pid 4242 on host, started 2026-12-04 22:46:38Z</c> (the raw
    /// form keeps the start time in ticks, exact for <see cref="IsGone"/>, unreadable in a message).</summary>
    public static string Describe(string holder)
    {
        var match = Format().Match(holder);
        if (!match.Success || !long.TryParse(match.Groups["started"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            return holder;
        var started = new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return $"pid {match.Groups["pid"].Value} on {match.Groups["host"].Value}, started {started}";
    }

    [GeneratedRegex(@"^pid (?<pid>\d+) on (?<host>\S+) \(started (?<started>\d+)\), ")]
    private static partial Regex Format();

    [GeneratedRegex(@"^pid \d+ on \S+ \(started \d+\), [0-9a-f]+, node (?<node>\S+)$")]
    private static partial Regex NodeFormat();
}
