using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using RulesEngine.Cli.Hosting;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// The daemon's host reads appsettings.json once and does not watch its working directory: the state file usually
/// lives there, and a watcher woke on every commit of the journal (about a sixth of the daemon's CPU during a run).
/// </summary>
public sealed class DaemonHostTests
{
    [Fact]
    public void AppSettings_AreReadOnce_NotWatchedForChanges()
    {
        var builder = DaemonHost.CreateBuilder();

        var appSettings = ((IConfigurationRoot)builder.Configuration).Providers.OfType<JsonConfigurationProvider>().ToList();
        Assert.NotEmpty(appSettings); // appsettings.json and appsettings.{Environment}.json, both optional
        Assert.All(appSettings, provider => Assert.False(provider.Source.ReloadOnChange, $"{provider.Source.Path} is watched"));
        Assert.Equal(Environment.CurrentDirectory, builder.Environment.ContentRootPath);
    }
}
