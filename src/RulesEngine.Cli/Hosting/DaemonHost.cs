using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace RulesEngine.Cli.Hosting;

/// <summary>The host <c>serve</c> runs in.</summary>
internal static class DaemonHost
{
    /// <summary>
    /// A host whose content root is the working directory, where an <c>appsettings.json</c> may set log levels
    /// (docs/daemon.md). It is read once, at start: by default the host watches the content root, recursively, to
    /// reload it on change, and the state file usually lives there (the README's default, the systemd unit's
    /// working directory), so every commit of the journal woke the watcher's thread: about a sixth of the daemon's
    /// CPU during a run (docs/performance.md, "A row in a running daemon").
    /// </summary>
    public static HostApplicationBuilder CreateBuilder()
    {
        var configuration = new ConfigurationManager();
        // Read by the host's defaults before they add appsettings.json; an environment variable
        // (DOTNET_hostBuilder__reloadConfigOnChange=true) still turns reloading back on.
        configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("hostBuilder:reloadConfigOnChange", "false")]);
        return Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = Environment.CurrentDirectory,
            Configuration = configuration,
        });
    }
}
