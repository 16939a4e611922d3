using System.Globalization;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// The shipped systemd unit gives the daemon, and only it (a one-off <c>run</c> keeps the program's own settings), a
/// gen0 budget of 8 MB: measured on a running daemon to keep about 10 MB less resident at its peak for the same CPU
/// (docs/performance.md, "The daemon's memory"). Dropping it silently brings that memory back.
/// </summary>
public sealed class SystemdUnitTests
{
    [Fact]
    public void TheDaemon_RunsWithAnEightMegabyteGen0Budget() =>
        Assert.Equal(8L * 1024 * 1024, RuntimeNumber("DOTNET_GCgen0size"));

    /// <summary>The runtime's own tiering threshold, 30 calls, instead of the 5,000 of one-off runs (docs/performance.md,
    /// "The tiering threshold in a daemon"). Written "30" it was 48: the runtime reads these numbers as hexadecimal.</summary>
    [Fact]
    public void TheDaemon_TiersUpAfterThirtyCalls() =>
        Assert.Equal(30L, RuntimeNumber("DOTNET_TC_CallCountThreshold"));

    // The runtime reads a DOTNET_ number as hexadecimal, with or without 0x.
    private static long RuntimeNumber(string variable)
    {
        var unit = Path.Combine(Repo.Root, "deploy", "rulesengine.service");
        var values = File.ReadLines(unit)
            .Where(line => line.StartsWith($"Environment={variable}=", StringComparison.Ordinal))
            .Select(line => line[$"Environment={variable}=".Length..].Trim())
            .ToList();

        var value = Assert.Single(values);
        return long.Parse(value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? value[2..] : value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
