using Aos.Kernel.Registry;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>Drives closed-loop load: a fixed number of senders, each awaiting one call before it makes the next.</summary>
internal static class Load
{
    public static string AgentName(int i) => $"counter-{i:D7}";

    /// <summary>Registers <paramref name="count"/> counter agents, <c>counter-0000000</c> on, in batches.</summary>
    public static async Task<AgentId[]> RegisterCountersAsync(AgentRegistry registry, int count, int first = 0, int batchSize = 10_000)
    {
        var ids = new AgentId[count];
        for (var start = 0; start < count; start += batchSize)
        {
            var batch = new List<AgentRegistration>(Math.Min(batchSize, count - start));
            for (var i = start; i < Math.Min(start + batchSize, count); i++)
            {
                batch.Add(new AgentRegistration { Id = AgentName(first + i), Type = CounterAgent.TypeName });
                ids[i] = AgentId.Parse(AgentName(first + i));
            }

            await registry.RegisterAsync(batch);
        }

        return ids;
    }

    /// <summary>
    /// Runs <paramref name="senders"/> concurrent senders; sender <c>s</c> sends <paramref name="perSender"/> calls, round-robin to
    /// targets <c>s</c>, <c>s + senders</c>, <c>s + 2 * senders</c>, …, so no two senders share a target. Each sender keeps up to
    /// <paramref name="window"/> calls outstanding: 1 is a closed loop (await each call before the next), more pipelines the calls the
    /// way a client with several requests in flight does, each started when the oldest has returned.
    /// </summary>
    public static Task RunAsync(int targets, int senders, int perSender, Func<int, Task> call, int window = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var tasks = new Task[senders];
        for (var s = 0; s < senders; s++)
        {
            tasks[s] = SendAsync(s);
        }

        return Task.WhenAll(tasks);

        async Task SendAsync(int sender)
        {
            await Task.Yield();
            var owned = targets / senders;
            var outstanding = new Queue<Task>(window);
            for (var i = 0; i < perSender; i++)
            {
                if (outstanding.Count == window)
                {
                    await outstanding.Dequeue();
                }

                outstanding.Enqueue(call(sender + ((i % owned) * senders)));
            }

            while (outstanding.Count > 0)
            {
                await outstanding.Dequeue();
            }
        }
    }
}
