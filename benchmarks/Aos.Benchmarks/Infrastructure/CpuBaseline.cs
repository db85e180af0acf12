using System.Diagnostics;
using System.Text.Json;
using Aos.Messaging;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Measures how fast one core of the machine is right now, with a fixed piece of work like the bus's own: an envelope written to
/// JSON and read back. The same build's CPU per message moves with the machine; this moves with it and not with the build.
/// </summary>
internal static class CpuBaseline
{
    private static readonly Envelope Sample = new()
    {
        Id = "0193a4b2c1d07e8f9a0b1c2d3e4f5a6b",
        Type = "counter.increment",
        Source = "agent-0042",
        Topic = "bench.topic.0042",
        CorrelationId = "corr-0042",
        Timestamp = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero),
        ExpiresAt = new DateTimeOffset(2026, 12, 1, 12, 5, 0, TimeSpan.Zero),
        Headers = new Dictionary<string, string> { ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
        Payload = JsonDocument.Parse("""{"amount":1,"note":"a steady-rate message"}""").RootElement,
    };

    /// <summary>Returns the median over five 200-ms slices of the time one thread takes per envelope round trip, in microseconds.</summary>
    public static double MicrosecondsPerRoundTrip()
    {
        Slice(TimeSpan.FromMilliseconds(300));
        var slices = new List<double>(5);
        for (var i = 0; i < 5; i++)
        {
            slices.Add(Slice(TimeSpan.FromMilliseconds(200)));
        }

        return new Percentiles(slices).At(50);
    }

    private static double Slice(TimeSpan length)
    {
        var start = Stopwatch.GetTimestamp();
        var count = 0;
        while (Stopwatch.GetElapsedTime(start) < length)
        {
            for (var i = 0; i < 100; i++)
            {
                var json = JsonSerializer.SerializeToUtf8Bytes(Sample);
                if (JsonSerializer.Deserialize<Envelope>(json) is null)
                {
                    throw new InvalidOperationException("The sample envelope did not read back.");
                }
            }

            count += 100;
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
    }
}
