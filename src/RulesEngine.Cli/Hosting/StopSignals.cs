using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace RulesEngine.Cli.Hosting;

/// <summary>
/// SIGTERM, SIGINT (Ctrl+C) and SIGQUIT: the first asks the host to stop gracefully (runs finish the step in flight);
/// a second one cancels <see cref="Abort"/>, which cuts runs at once. The host's own lifetime also handles the first
/// signal; this class exists for the second, which the host ignores.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly CancellationTokenSource _abort = new();
    private int _count;

    public StopSignals(IHostApplicationLifetime lifetime)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // we decide when the process ends
                if (Interlocked.Increment(ref _count) == 1) lifetime.StopApplication();
                else _abort.Cancel();
            }));
        }
    }

    /// <summary>Cancelled by a second stop signal.</summary>
    public CancellationToken Abort => _abort.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _abort.Dispose();
    }
}
