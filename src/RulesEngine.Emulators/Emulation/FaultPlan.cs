namespace RulesEngine.Emulation;

/// <summary>
/// Which requests an emulator fails, and how: a queue of faults for the next matching requests, and/or a
/// fraction of all requests failed at random (seeded, so a failing test can be replayed).
/// </summary>
public sealed class FaultPlan
{
    private readonly object _gate = new();
    private readonly Queue<(string? PathContains, Fault Fault)> _next = new();
    private Random _random = new(12345);
    private double _fraction;
    private Fault[] _randomFaults = [];

    /// <summary>Fail the next request whose path contains <paramref name="pathContains"/> (any request when null).</summary>
    public void FailNext(Fault fault, string? pathContains = null)
    {
        lock (_gate) _next.Enqueue((pathContains, fault));
    }

    /// <summary>Fail about <paramref name="fraction"/> of requests, each with one of <paramref name="faults"/> at random.</summary>
    public void FailRandomly(double fraction, int seed, params Fault[] faults)
    {
        lock (_gate)
        {
            _fraction = fraction;
            _random = new Random(seed);
            _randomFaults = faults;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _next.Clear();
            _fraction = 0;
        }
    }

    internal Fault? Take(string path)
    {
        lock (_gate)
        {
            if (_next.Count > 0)
            {
                var (filter, fault) = _next.Peek();
                if (filter is null || path.Contains(filter, StringComparison.OrdinalIgnoreCase))
                {
                    _next.Dequeue();
                    return fault;
                }
            }
            if (_fraction > 0 && _randomFaults.Length > 0 && _random.NextDouble() < _fraction)
                return _randomFaults[_random.Next(_randomFaults.Length)];
            return null;
        }
    }
}
