using System.Security.Cryptography;
using System.Text;

namespace Aos.Reliability.Tests;

public sealed class IdempotencyStoreTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly SqliteCatalog _sqlite = new();
    private readonly DocumentIdempotencyStore _store;
    private int _runs;

    public IdempotencyStoreTests() => _store = _sqlite.CreateStore();

    public ValueTask DisposeAsync() => _sqlite.DisposeAsync();

    [Fact]
    public async Task Repeat_ReturnsTheFirstResult_WithoutRunningAgain()
    {
        var first = await _store.ExecuteOnceAsync("m-1", "charge:order-42", Charge, cancellationToken: Ct);
        _sqlite.Time.Advance(TimeSpan.FromHours(23));
        var repeat = await _store.ExecuteOnceAsync("m-1", "charge:order-42", Charge, cancellationToken: Ct);

        Assert.Equal(new Receipt("r1", 42.5m), first);
        Assert.Equal(first, repeat);
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task RepeatOnAnotherNode_ReturnsTheFirstResult()
    {
        var first = await _store.ExecuteOnceAsync("m-1", "charge:order-42", Charge, cancellationToken: Ct);
        var repeat = await _sqlite.CreateStore().ExecuteOnceAsync("m-1", "charge:order-42", Charge, cancellationToken: Ct);

        Assert.Equal(first, repeat);
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task RepeatAfter24Hours_RunsAgain()
    {
        await _store.ExecuteOnceAsync("m-1", "charge:order-42", Charge, cancellationToken: Ct);
        _sqlite.Time.Advance(TimeSpan.FromHours(24));

        var again = await _store.ExecuteOnceAsync("m-1", "charge:order-42", Charge, cancellationToken: Ct);

        Assert.Equal("r2", again.Id);
        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task FailedFirstRun_StoresNothing_SoARepeatRuns()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.ExecuteOnceAsync<Receipt>("m-1", "charge:order-42", _ => throw new InvalidOperationException("card declined"), cancellationToken: Ct));

        var repeat = await _store.ExecuteOnceAsync("m-1", "charge:order-42", Charge, cancellationToken: Ct);

        Assert.Equal("r1", repeat.Id);
        Assert.Equal(0, await _store.SweepAsync(Ct));
    }

    [Fact]
    public async Task DifferentBusinessKeyOrMessage_IsADifferentKey_AndRuns()
    {
        await _store.ExecuteOnceAsync("m-1", "charge:order-42", Charge, cancellationToken: Ct);
        await _store.ExecuteOnceAsync("m-1", "ship:order-42", Charge, cancellationToken: Ct);
        await _store.ExecuteOnceAsync("m-2", "charge:order-42", Charge, cancellationToken: Ct);

        Assert.Equal(3, _runs);
        Assert.NotEqual(IdempotencyKey.Compute("m-1", "charge:order-42"), IdempotencyKey.Compute("m-1", "ship:order-42"));
    }

    [Fact]
    public void Key_IsTheHexSha256OfTheMessageIdAndBusinessKey_Unambiguously()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("3:m-1|charge")));

        Assert.Equal(expected, IdempotencyKey.Compute("m-1", "charge"));
        Assert.NotEqual(IdempotencyKey.Compute("a|b", "c"), IdempotencyKey.Compute("a", "b|c"));
        Assert.Equal("businessKey", Assert.Throws<AosValidationException>(() => IdempotencyKey.Compute("m-1", "")).Field);
    }

    [Fact]
    public async Task ConcurrentRepeatOnTheSameNode_WaitsForTheFirstRun()
    {
        var release = new TaskCompletionSource();
        var first = _store.ExecuteOnceAsync("m-1", "charge:order-42", async token =>
        {
            await release.Task.WaitAsync(token);
            return await Charge(token);
        }, cancellationToken: Ct);
        var repeat = _store.ExecuteOnceAsync("m-1", "charge:order-42", Charge, cancellationToken: Ct);

        Assert.False(repeat.IsCompleted);
        release.SetResult();

        Assert.Equal(await first, await repeat);
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task ConcurrentRepeatOnAnotherNode_IsRefusedAsInProgress()
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var first = _store.ExecuteOnceAsync("m-1", "charge:order-42", async token =>
        {
            started.SetResult();
            await release.Task.WaitAsync(token);
            return await Charge(token);
        }, cancellationToken: Ct);
        await started.Task.WaitAsync(Ct);

        var refused = await Assert.ThrowsAsync<IdempotencyInProgressException>(() => _sqlite.CreateStore().ExecuteOnceAsync("m-1", "charge:order-42", Charge, cancellationToken: Ct));

        Assert.Equal(IdempotencyKey.Compute("m-1", "charge:order-42"), refused.Key);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        release.SetResult();
        await first;
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task Sweep_DeletesOnlyExpiredEntries()
    {
        await _store.ExecuteOnceAsync("m-1", "a", Charge, cancellationToken: Ct);
        _sqlite.Time.Advance(TimeSpan.FromHours(12));
        await _store.ExecuteOnceAsync("m-2", "a", Charge, cancellationToken: Ct);
        _sqlite.Time.Advance(TimeSpan.FromHours(12));

        Assert.Equal(1, await _store.SweepAsync(Ct));
        Assert.Equal(0, await _store.SweepAsync(Ct));
        Assert.Equal("r2", (await _store.ExecuteOnceAsync("m-2", "a", Charge, cancellationToken: Ct)).Id);
    }

    private Task<Receipt> Charge(CancellationToken cancellationToken) =>
        Task.FromResult(new Receipt("r" + Interlocked.Increment(ref _runs), 42.5m));

    private sealed record Receipt(string Id, decimal Amount);
}
