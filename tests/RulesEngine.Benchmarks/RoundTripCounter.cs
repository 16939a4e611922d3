using System.Net;
using System.Net.Sockets;

namespace RulesEngine.Benchmarks;

/// <summary>
/// A loopback TCP proxy in front of a database server that counts round trips as the wire sees them: each time the
/// server answers after the client sent something is one. It does not know the protocol, so it counts what any
/// client library really does (a transaction's BEGIN folded into its first statement, a batch sent at once).
/// </summary>
internal sealed class RoundTripCounter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly object _gate = new();
    private long _roundTrips;
    private bool _clientSpokeLast;
    private readonly Task _accepting;

    public RoundTripCounter(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
                client.NoDelay = server.NoDelay = true;
                lock (_gate)
                {
                    _pumps.Add(PumpAsync(client.GetStream(), server.GetStream(), fromClient: true, client, server));
                    _pumps.Add(PumpAsync(server.GetStream(), client.GetStream(), fromClient: false, client, server));
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool fromClient, TcpClient client, TcpClient server)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0) break;
                lock (_gate)
                {
                    // One connection at a time talks in the benchmark, so alternation is per proxy, not per connection.
                    if (fromClient) _clientSpokeLast = true;
                    else if (_clientSpokeLast)
                    {
                        _clientSpokeLast = false;
                        _roundTrips++;
                    }
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_gate) pumps = [.. _pumps];
        await Task.WhenAll(pumps);
    }
}
