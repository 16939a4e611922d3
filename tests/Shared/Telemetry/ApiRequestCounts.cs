using System.Diagnostics.Metrics;
using RulesEngine.Core.Telemetry;

namespace RulesEngine.Tests.Telemetry;

/// <summary>
/// What <c>rulesengine.api.requests</c> records while it lives: every measurement with all its labels. The meter is
/// process-wide, so a test that uses this runs in <see cref="ApiRequestCountsCollection"/> (alone), and no other test's
/// requests land in its counts.
/// </summary>
internal sealed class ApiRequestCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<KeyValuePair<string, object?>[]> _seen = [];

    public ApiRequestCounts()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngineTelemetry.Name && instrument.Name == EngineMetrics.ApiRequestsName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var labels = tags.ToArray();
            lock (_seen)
                for (var i = 0; i < value; i++) _seen.Add(labels);
        });
        _listener.Start();
    }

    /// <summary>(service, status) of every request counted, in order.</summary>
    public IReadOnlyList<(string Service, string Status)> Seen
    {
        get
        {
            lock (_seen) return [.. _seen.Select(l => (Label(l, TagNames.Service), Label(l, TagNames.Status)))];
        }
    }

    /// <summary>Every label value recorded, for "no secret in any label" checks.</summary>
    public IReadOnlyList<string> LabelValues
    {
        get
        {
            lock (_seen) return [.. _seen.SelectMany(l => l).Select(t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")];
        }
    }

    public void Dispose() => _listener.Dispose();

    private static string Label(KeyValuePair<string, object?>[] labels, string name) => (string)labels.Single(t => t.Key == name).Value!;
}

/// <summary>Tests that count API requests run alone: the meter sees every request the process makes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ApiRequestCountsCollection
{
    public const string Name = "ApiRequestCounts";
}
