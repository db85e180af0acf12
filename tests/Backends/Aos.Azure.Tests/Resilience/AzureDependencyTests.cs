using Aos.Azure.Resilience;
using Aos.Storage;
using Polly.CircuitBreaker;

namespace Aos.Azure.Tests.Resilience;

/// <summary>Checks the storage:azure pipeline against an account that does not answer: bounded retries, then the open circuit.</summary>
public sealed class AzureDependencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Blob_UnreachableAccount_IsTriedOnceAndRetriedTwice_ThenUnavailableNamingTheDependency()
    {
        using var account = new ResilientAccount(ResilientAccount.Unreachable, maxRetryAttempts: 2);
        using var blobs = account.Blobs();

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await blobs.GetPropertiesAsync("a", Ct));

        Assert.Equal(3, account.Requests.Count);
        Assert.Equal("azure", error.Backend);
        Assert.Contains("Blob Storage", error.Message);
        Assert.Contains("127.0.0.1:1", error.Message);
        Assert.Contains("storage:azure", error.Message);
        Assert.Contains("Aos:Reliability:Dependencies:storage:azure", error.Message);
        Assert.DoesNotContain(ResilientAccount.AzuriteKey, error.Message);
        Assert.Equal(CircuitState.Closed, account.Pipelines.GetCircuitState(AzureDependency.Storage));
    }

    [Fact]
    public async Task Queue_UnreachableAccount_WithoutRetries_IsTriedOnce()
    {
        using var account = new ResilientAccount(ResilientAccount.Unreachable, maxRetryAttempts: 0);
        using var queue = account.Queue();

        await Assert.ThrowsAsync<StorageUnavailableException>(async () => await queue.EnqueueAsync("x", cancellationToken: Ct));

        Assert.Equal(1, account.Requests.Count);
    }

    [Fact]
    public async Task Table_UnreachableAccount_OpensTheSharedCircuit_ThenEveryStoreFailsFastWithTheBreakerMessage()
    {
        using var account = new ResilientAccount(ResilientAccount.Unreachable, maxRetryAttempts: 2, minimumThroughput: 3);
        using var table = account.Table();
        using var blobs = account.Blobs();

        var first = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await table.GetAsync("p", "r", Ct));
        Assert.Equal(3, account.Requests.Count);
        Assert.DoesNotContain("circuit", first.Message);
        Assert.Equal(CircuitState.Open, account.Pipelines.GetCircuitState(AzureDependency.Storage));

        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await table.GetAsync("p", "r", Ct));
        var refusedBlob = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await blobs.DeleteAsync("a", cancellationToken: Ct));
        var refusedList = await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
        {
            await foreach (var _ in table.QueryAsync("p", cancellationToken: Ct))
            {
            }
        });

        Assert.Equal(3, account.Requests.Count);
        foreach (var error in new[] { refused, refusedBlob, refusedList })
        {
            Assert.Contains("circuit breaker of storage:azure", error.Message);
            Assert.Contains("retry after 60 s", error.Message);
            Assert.Equal("azure", error.Backend);
        }

        Assert.Contains("Table Storage", refused.Message);
        Assert.Contains("Blob Storage", refusedBlob.Message);
    }
}
