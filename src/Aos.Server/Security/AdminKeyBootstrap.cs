using Aos.Hosting;
using Aos.Security.ApiKeys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aos.Server.Security;

/// <summary>At start, before the server takes requests, makes sure the data directory holds a working admin key (<see cref="AdminKeyFile"/>).</summary>
internal sealed partial class AdminKeyBootstrap(ApiKeyService keys, IOptions<AosOptions> options, ILogger<AdminKeyBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (path, created) = await AdminKeyFile.EnsureAsync(keys, options.Value.GetDataDirectoryPath(), cancellationToken).ConfigureAwait(false);
        if (created)
        {
            LogCreated(logger, path);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Warning, "Created the admin API key in {Path} (readable by its owner only). Every route but /healthz and /readyz requires 'Authorization: Bearer <key>'; the aos CLI uses this file by itself, or $AOS_API_KEY.")]
    private static partial void LogCreated(ILogger logger, string path);
}
