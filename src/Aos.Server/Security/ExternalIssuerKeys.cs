using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Aos.Server.Security;

/// <summary>
/// Holds an external issuer's discovery document and signing keys, fetched with IdentityModel's <see cref="OpenIdConnectConfigurationRetriever"/>,
/// and fetches them again when they are old or when a token names a key they lack.
/// </summary>
/// <remarks>
/// <para>
/// IdentityModel's own <see cref="ConfigurationManager{T}"/> refetches in the background when asked to, so the request that found an
/// unknown key fails even when the issuer has published it. Here a requested refetch is awaited: the token validation that asked for it
/// (the JWT handler retries once with the new keys) accepts a token signed with the issuer's new key at its first presentation.
/// </para>
/// <para>
/// A refetch on request happens at most once per <see cref="BaseConfigurationManager.RefreshInterval"/> (the first one at once), so tokens
/// naming made-up keys cannot make AOS flood the issuer. Concurrent callers share one fetch. When a refetch fails, the keys fetched before
/// stay in use. Times come from the injected <see cref="TimeProvider"/>. Thread-safe.
/// </para>
/// </remarks>
internal sealed class ExternalIssuerKeys : BaseConfigurationManager, IConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly IDocumentRetriever _documents;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private OpenIdConnectConfiguration? _current;
    private long _fetchedAt;
    private long? _refreshRequestedAt;
    private bool _refreshDue;
    private Task<OpenIdConnectConfiguration>? _fetch;

    /// <summary>Initializes a new instance of the <see cref="ExternalIssuerKeys"/> class.</summary>
    /// <param name="metadataAddress">The address of the issuer's discovery document.</param>
    /// <param name="documents">Fetches the discovery document and the JWKS.</param>
    /// <param name="timeProvider">The clock of the refresh intervals.</param>
    public ExternalIssuerKeys(string metadataAddress, IDocumentRetriever documents, TimeProvider timeProvider)
    {
        MetadataAddress = metadataAddress;
        _documents = documents;
        _timeProvider = timeProvider;
    }

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        Task<OpenIdConnectConfiguration> fetch;
        OpenIdConnectConfiguration? current;
        lock (_lock)
        {
            current = _current;
            if (current is not null && !_refreshDue && _timeProvider.GetElapsedTime(_fetchedAt) < AutomaticRefreshInterval)
            {
                return current;
            }

            if (_fetch is null || _fetch.IsCompleted)
            {
                _refreshDue = false;
                _fetch = FetchAsync();
            }

            fetch = _fetch;
        }

        if (current is null)
        {
            return await fetch.WaitAsync(cancel).ConfigureAwait(false);
        }

        try
        {
            return await fetch.WaitAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or InvalidOperationException or ArgumentException)
        {
            // Keys fetched before beat none: a token signed with them still validates while the issuer is unreachable.
            return current;
        }
    }

    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) =>
        await GetConfigurationAsync(cancel).ConfigureAwait(false);

    public override void RequestRefresh()
    {
        lock (_lock)
        {
            if (_refreshRequestedAt is not { } last || _timeProvider.GetElapsedTime(last) >= RefreshInterval)
            {
                _refreshRequestedAt = _timeProvider.GetTimestamp();
                _refreshDue = true;
            }
        }
    }

    private async Task<OpenIdConnectConfiguration> FetchAsync()
    {
        // Shared by every waiting request, so no single request's cancellation stops it.
        var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(MetadataAddress, _documents, CancellationToken.None).ConfigureAwait(false);
        lock (_lock)
        {
            _current = configuration;
            _fetchedAt = _timeProvider.GetTimestamp();
        }

        return configuration;
    }
}
