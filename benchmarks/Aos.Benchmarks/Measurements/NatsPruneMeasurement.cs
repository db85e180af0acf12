using System.Diagnostics;
using System.Text.Json;
using Aos.Messaging;
using Aos.Nats.Messaging;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Measures a NATS node's prune of delivered messages when its ledger holds a day of newer ones (which the de-duplication window
/// keeps), against the read of the whole ledger that a prune made before it stopped at its cutoff, in the same run on the same bucket.
/// </summary>
/// <remarks>
/// The node delivers <c>old</c> messages, then two hours later <c>kept</c> ones; 25 hours after the first, it prunes what is older
/// than 24 hours. The baseline is a key-value watch over every entry of the ledger (<c>m.&gt;</c>), counted and decoded as a prune
/// decodes them, through the same server. Last, a new instance on the same prefix is timed to its start, which reads the whole ledger.
/// </remarks>
internal static class NatsPruneMeasurement
{
    private const int Recipients = 1_000;
    private const int Batch = 500;

    public static async Task RunAsync(string url, int kept, int old)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var prefix = "AOSBENCH_PRUNE_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var bus = new MessageBusOptions { InboxCapacity = 100_000, MaxDeliveryBatch = Batch };
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = url, Name = "aos-bench-prune" });
        var jetStream = new NatsJSContext(connection);
        try
        {
            var (fullReadAtEnd, readAtEnd) = (TimeSpan.Zero, 0);
            await using (var transport = new NatsMessageTransport(new NatsMessageTransportOptions { Url = url, StreamPrefix = prefix }, bus, clock))
            {
                var filled = Stopwatch.StartNew();
                await DeliverAsync(transport, clock, "old", old);
                clock.Advance(TimeSpan.FromHours(2));
                await DeliverAsync(transport, clock, "kept", kept);
                filled.Stop();
                clock.Advance(TimeSpan.FromHours(23));

                var ledger = await new NatsKVContext(jetStream).GetStoreAsync(prefix + "_LEDGER");
                var before = clock.GetUtcNow().AddHours(-24);
                var (fullRead, read) = await ReadAllAsync(ledger);
                var started = Stopwatch.GetTimestamp();
                var removed = await transport.PruneDeliveredAsync(before);
                var prune = Stopwatch.GetElapsedTime(started);
                var (fullReadAfter, readAfter) = await ReadAllAsync(ledger);
                started = Stopwatch.GetTimestamp();
                var removedAgain = await transport.PruneDeliveredAsync(before);
                var pruneAgain = Stopwatch.GetElapsedTime(started);

                Console.WriteLine();
                Console.WriteLine($"## NATS prune of delivered messages: {old:N0} older than the cutoff among {old + kept:N0} in the ledger (filled in {filled.Elapsed.TotalSeconds:F1} s)");
                Console.WriteLine();
                Console.WriteLine("| Pass | Removed | Prune (ms) | Baseline: whole-ledger read (ms) | Entries the baseline read |");
                Console.WriteLine("|---|--:|--:|--:|--:|");
                Console.WriteLine($"| first | {removed:N0} | {prune.TotalMilliseconds:F1} | {fullRead.TotalMilliseconds:F1} | {read:N0} |");
                Console.WriteLine($"| again, nothing to remove | {removedAgain:N0} | {pruneAgain.TotalMilliseconds:F1} | {fullReadAfter.TotalMilliseconds:F1} | {readAfter:N0} |");
                (fullReadAtEnd, readAtEnd) = await ReadAllAsync(ledger);
            }

            // A node that starts again reads its whole ledger (pending messages to hand out, dead letters to index): the first call starts it.
            await using (var restarted = new NatsMessageTransport(new NatsMessageTransportOptions { Url = url, StreamPrefix = prefix }, bus, clock))
            {
                var started = Stopwatch.GetTimestamp();
                await restarted.ListDeadLettersAsync(null, 1);
                var start = Stopwatch.GetElapsedTime(started);
                Console.WriteLine();
                Console.WriteLine($"A node's start on this ledger ({readAtEnd:N0} entries): {start.TotalMilliseconds:F1} ms; the baseline's whole-ledger read just before: {fullReadAtEnd.TotalMilliseconds:F1} ms.");
            }
        }
        finally
        {
            foreach (var stream in new[] { "KV_" + prefix + "_LEDGER", prefix + "_MESSAGES" })
            {
                try
                {
                    await jetStream.DeleteStreamAsync(stream);
                }
                catch (NatsJSApiException e) when (e.Error.Code == 404)
                {
                    // The transport creates no stream of earlier versions.
                }
            }
        }
    }

    private static async Task DeliverAsync(NatsMessageTransport transport, TimeProvider clock, string tag, int count)
    {
        for (var from = 0; from < count; from += Batch)
        {
            var messages = Enumerable.Range(from, Math.Min(Batch, count - from)).Select(i => Message(clock, $"{tag}-{i}", $"r-{i % Recipients}")).ToList();
            var outcomes = await transport.EnqueueAsync(messages);
            if (outcomes.Any(o => o != EnqueueOutcome.Accepted))
            {
                throw new InvalidOperationException($"The transport refused a message of {tag}: {string.Join(", ", outcomes.Distinct())}.");
            }

            var settled = 0;
            while (settled < messages.Count)
            {
                var received = await transport.ReceiveAsync(messages.Count - settled);
                await Task.WhenAll(received.Select(m => transport.CompleteAsync(m).AsTask()));
                settled += received.Count;
            }
        }
    }

    private static async Task<(TimeSpan Elapsed, int Entries)> ReadAllAsync(INatsKVStore ledger)
    {
        var started = Stopwatch.GetTimestamp();
        var end = (await ledger.GetStatusAsync()).Info.State.LastSeq;
        var entries = 0;
        await foreach (var item in ledger.WatchAsync<byte[]>("m.>", opts: new NatsKVWatchOpts { OnNoData = static _ => ValueTask.FromResult(true) }))
        {
            if (item.Operation == NatsKVOperation.Put && item.Value is { } value)
            {
                using var document = JsonDocument.Parse(value);
                entries++;
            }

            if (item.Delta == 0 || item.Revision >= end)
            {
                break;
            }
        }

        return (Stopwatch.GetElapsedTime(started), entries);
    }

    private static TransportMessage Message(TimeProvider clock, string id, string recipient) =>
        TransportMessage.For(
            new Envelope
            {
                Id = id,
                Type = "bench.event",
                Source = "bench",
                Target = AgentId.Parse(recipient),
                Timestamp = clock.GetUtcNow(),
                Payload = JsonSerializer.SerializeToElement(new { id }),
            },
            AgentId.Parse(recipient));
}
