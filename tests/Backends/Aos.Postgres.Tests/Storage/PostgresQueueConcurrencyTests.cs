using Aos.Postgres.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Postgres.Tests.Storage;

/// <summary>Checks that receivers on several providers (nodes) never get the same message while it is hidden.</summary>
public sealed class PostgresQueueConcurrencyTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly string _queue = "t" + Guid.NewGuid().ToString("N")[..20];
    private readonly List<PostgresStorageProvider> _providers = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await PostgresTestServer.RequireAsync();
        for (var i = 0; i < 4; i++)
        {
            _providers.Add(PostgresTestServer.CreateProvider(_time));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReceiveAsync_ConcurrentReceivers_GetEachMessageOnce()
    {
        for (var i = 0; i < 200; i++)
        {
            await _providers[0].GetQueueStore(_queue).EnqueueAsync($"m{i}", cancellationToken: Ct);
        }

        var batches = await Task.WhenAll(_providers.Select(async provider =>
        {
            var queue = provider.GetQueueStore(_queue);
            var mine = new List<string>();
            while ((await queue.ReceiveAsync(7, TimeSpan.FromMinutes(1), Ct)) is { Count: > 0 } received)
            {
                mine.AddRange(received.Select(m => m.Body));
            }

            return mine;
        }));

        var all = batches.SelectMany(b => b).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
    }
}
