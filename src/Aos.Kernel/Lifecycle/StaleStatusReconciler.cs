using Aos.Kernel.Diagnostics;
using Aos.Registry;
using Microsoft.Extensions.Logging;

namespace Aos.Kernel.Lifecycle;

/// <summary>
/// Marks as sleeping the agents that a silo reported active and that died with it (a crash, a <c>kill -9</c>, a power loss).
/// </summary>
/// <remarks>Runs once when the silo becomes active, against the cluster's live membership.</remarks>
internal sealed class StaleStatusReconciler : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly IAgentDirectory _directory;
    private readonly IClusterMembershipService _membership;
    private readonly ILogger<StaleStatusReconciler> _logger;

    public StaleStatusReconciler(IAgentDirectory directory, IClusterMembershipService membership, ILogger<StaleStatusReconciler> logger)
    {
        _directory = directory;
        _membership = membership;
        _logger = logger;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StaleStatusReconciler), ServiceLifecycleStage.Active, ReconcileAsync);

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var live = _membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToString())
            .ToList();
        var reset = await _directory.ResetStaleActiveAsync(live, cancellationToken);
        if (reset > 0)
        {
            Log.StaleAgentsReset(_logger, reset);
        }
    }
}
