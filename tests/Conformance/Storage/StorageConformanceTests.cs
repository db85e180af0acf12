using Aos.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Conformance.Storage;

/// <summary>
/// The base of the storage conformance kit: a backend's test class for each kind of store derives from the kind's kit class and supplies the provider.
/// </summary>
/// <remarks>
/// Every test uses a fresh store name, so backends on a shared server need no cleanup between tests. Time runs on a <see cref="FakeTimeProvider"/>;
/// a backend whose timeouts run on a server's clock overrides <see cref="AdvanceAsync"/>.
/// </remarks>
public abstract class StorageConformanceTests : IAsyncLifetime
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));

    protected IStorageProvider Provider { get; private set; } = null!;

    /// <summary>Gets a store name no other test uses.</summary>
    protected string StoreName { get; } = "t" + Guid.NewGuid().ToString("N")[..20];

    public virtual async ValueTask InitializeAsync() => Provider = await CreateProviderAsync();

    public virtual async ValueTask DisposeAsync()
    {
        await DisposeProviderAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the provider under test on <see cref="Time"/>; skips the test when its server is absent.</summary>
    protected abstract ValueTask<IStorageProvider> CreateProviderAsync();

    /// <summary>Releases what <see cref="CreateProviderAsync"/> created.</summary>
    protected virtual ValueTask DisposeProviderAsync() => ValueTask.CompletedTask;

    /// <summary>Moves the backend's clock forward.</summary>
    protected virtual ValueTask AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        return ValueTask.CompletedTask;
    }
}
