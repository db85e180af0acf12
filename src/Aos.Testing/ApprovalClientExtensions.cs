using System.Diagnostics;
using Aos.Approvals;
using Aos.Kernel.Approvals;

namespace Aos.Testing;

/// <summary>Waits in tests for approvals that a workflow step asks for.</summary>
public static class ApprovalClientExtensions
{
    /// <summary>Waits until an approval exists in a tenant, looking once per grain call for up to 30 seconds: a step asks for it as soon as its run starts it.</summary>
    /// <param name="approvals">The approval client.</param>
    /// <param name="id">The approval id (<c>{run}.{step}.{attempt}</c> for a workflow step's).</param>
    /// <param name="tenant">The tenant it belongs to.</param>
    /// <returns>The approval.</returns>
    /// <exception cref="TimeoutException">It did not appear within 30 seconds.</exception>
    public static async Task<Approval> WaitForRequestAsync(this ApprovalClient approvals, string id, string tenant)
    {
        ArgumentNullException.ThrowIfNull(approvals);
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(30);)
        {
            try
            {
                return await approvals.GetAsync(id, tenant);
            }
            catch (ApprovalNotFoundException)
            {
                await Task.Yield();
            }
        }

        throw new TimeoutException($"Approval {id} was not requested.");
    }
}
