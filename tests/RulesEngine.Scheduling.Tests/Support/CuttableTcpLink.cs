using System.Net;
using System.Net.Sockets;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>
/// A TCP relay on a free loopback port in front of a server, that the test can cut and heal: while cut, bytes in
/// either direction are held (not dropped), as a network partition holds a node's packets in TCP retransmission, and
/// they go through when it heals. So a write blocked by the cut gets through afterwards, which is exactly the case a
/// stale node must survive.
/// </summary>
internal sealed class CuttableTcpLink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _serverPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private readonly Task _accepting;
    private TaskCompletionSource _open = Opened();
    private int _heldRequests;

    public CuttableTcpLink(int serverPort)
    {
        _serverPort = serverPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Chunks a client sent while the link was cut (requests waiting to reach the server).</summary>
    public int HeldRequests => Volatile.Read(ref _heldRequests);

    public void Cut() => Interlocked.Exchange(ref _open, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Heal() => Volatile.Read(ref _open).TrySetResult();

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                await server.ConnectAsync(IPAddress.Loopback, _serverPort, _stop.Token);
                lock (_sockets) _sockets.AddRange([client, server]);
                _ = PumpAsync(client.GetStream(), server.GetStream(), countsHeld: true);
                _ = PumpAsync(server.GetStream(), client.GetStream(), countsHeld: false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool countsHeld)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0) break;
                var open = Volatile.Read(ref _open);
                if (!open.Task.IsCompleted && countsHeld) Interlocked.Increment(ref _heldRequests);
                await open.Task.WaitAsync(_stop.Token);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
            to.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // a side closed, or the link stopped
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
            foreach (var socket in _sockets) socket.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
