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
    public void TheDaemon_RunsWithAnEightMegabyteGen0Budget()
    {
        const string variable = "DOTNET_GCgen0size";
        var unit = Path.Combine(Repo.Root, "deploy", "rulesengine.service");
        var values = File.ReadLines(unit)
            .Where(line => line.StartsWith($"Environment={variable}=", StringComparison.Ordinal))
            .Select(line => line[$"Environment={variable}=".Length..].Trim())
            .ToList();

        var value = Assert.Single(values);
        // The runtime reads a DOTNET_ number as hexadecimal, with or without 0x.
        var bytes = long.Parse(value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? value[2..] : value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.Equal(8L * 1024 * 1024, bytes);
    }
}
