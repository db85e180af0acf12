using Microsoft.Extensions.Time.Testing;

namespace Aos.Conformance.Kernel;

/// <summary>
/// The base of the kernel store conformance kit: a backend's test class for each kernel store derives from the store's kit class and opens it.
/// </summary>
/// <remarks>
/// Each test gets storage of its own, empty when the test starts, so tests may count what they wrote. Time runs on a <see cref="FakeTimeProvider"/>.
/// Tables are named alike in every backend (<c>agents</c>, <c>agent_journal</c>, …), so the kit can check that nothing is left behind.
/// </remarks>
/// <typeparam name="TStore">The store contract under test.</typeparam>
public abstract class KernelStoreConformanceTests<TStore> : IAsyncLifetime
    where TStore : class
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Gets the store under test.</summary>
    protected TStore Store { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync() => Store = await OpenAsync();

    public virtual async ValueTask DisposeAsync()
    {
        await DisposeStorageAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Opens a store on <see cref="Time"/> over the test's storage; skips the test when the backend's server is absent.</summary>
    /// <remarks>Each call opens another instance on the same storage that shares nothing in memory with the others, as a second node would.</remarks>
    protected abstract ValueTask<TStore> OpenAsync();

    /// <summary>Closes the storage and opens it again, as a restart would; returns a store on it.</summary>
    protected abstract ValueTask<TStore> ReopenAsync();

    /// <summary>Counts the rows of one of the store's tables.</summary>
    protected abstract ValueTask<long> CountRowsAsync(string table);

    /// <summary>Releases what <see cref="OpenAsync"/> and <see cref="ReopenAsync"/> created.</summary>
    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;

    /// <summary>Restarts the storage and replaces <see cref="Store"/> with a store on it.</summary>
    protected async Task RestartAsync() => Store = await ReopenAsync();
}
