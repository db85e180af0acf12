using Aos.Nats.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Aos.Nats.Hosting;

/// <summary>
/// Keeps the node's lease in its <see cref="NatsMessageTransportOptions.Cluster"/> and takes over the messages of lost nodes: runs
/// <see cref="NatsMessageTransport.RenewAndAdoptAsync"/> at start and then every third of <see cref="NatsMessageTransportOptions.LeaseTimeout"/>.
/// </summary>
/// <remarks>A round that fails (the server is unreachable) is logged and the next one runs on time; an unrenewed lease only lets another node
/// take over, which loses nothing.</remarks>
public sealed partial class NatsLeaseService : BackgroundService
{
    private readonly NatsMessageTransport _transport;
    private readonly NatsMessageTransportOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="NatsLeaseService"/> class.</summary>
    /// <param name="transport">The node's transport.</param>
    /// <param name="options">The transport options: cluster and lease timeout.</param>
    /// <param name="timeProvider">The clock of the rounds.</param>
    /// <param name="logger">The logger, or <see langword="null"/> for none.</param>
    public NatsLeaseService(NatsMessageTransport transport, IOptions<NatsMessageTransportOptions> options, TimeProvider timeProvider, ILogger<NatsLeaseService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _transport = transport;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger<NatsLeaseService>.Instance;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.Cluster is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.LeaseTimeout / 3, _timeProvider);
        do
        {
            try
            {
                await _transport.RenewAndAdoptAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(_logger, _options.Cluster, e);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async ValueTask<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "NATS lease round in cluster {Cluster} failed; the next one runs on time.")]
    private static partial void LogRoundFailed(ILogger logger, string cluster, Exception exception);
}
