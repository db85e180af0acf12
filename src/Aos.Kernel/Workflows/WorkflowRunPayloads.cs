namespace Aos.Kernel.Workflows;

/// <summary>
/// Keeps account of one run's large payloads, stored under the run: which are stored, which the run's durable state holds, and which
/// to delete once the state stopped holding them.
/// </summary>
/// <remarks>
/// <para>
/// A payload is deleted at the second sweep that finds the durable state without it, not the first: a loop that continues as new with
/// the same large result drops it at each new iteration and takes it up again at the next step, and stores and deletes nothing.
/// Sweeps compare with the state as last saved, never with the state in memory, so a payload a durable state holds is never deleted;
/// a crash leaves at most a payload nothing holds. Forgetting the run sweeps everything.
/// </para>
/// <para>Used by the run grain only, on its turns: not thread-safe.</para>
/// </remarks>
internal sealed class WorkflowRunPayloads(WorkflowPayloads payloads, string runId, Action<string, Exception> deleteFailed)
{
    // What a state without large payloads holds; never changed.
    private static readonly HashSet<string> None = new(StringComparer.Ordinal);

    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unsure = new(StringComparer.Ordinal);
    private HashSet<string> _durable = None;
    private HashSet<string> _dropped = new(StringComparer.Ordinal);

    /// <summary>Takes the references of the state read on activation: stored, and held.</summary>
    public void Loaded(WorkflowRunState state)
    {
        _durable = References(state);
        _stored.UnionWith(_durable);
    }

    /// <summary>Records that a state was saved: from now on a sweep keeps what it holds.</summary>
    public void Saved(WorkflowRunState state) => _durable = References(state);

    /// <summary>Stores a payload under the run, unless the run knows it stored it and has not deleted it since.</summary>
    /// <returns>The reference.</returns>
    public async Task<string> StoreAsync(string json)
    {
        if (WorkflowPayloads.RefOf(json) is var known && _stored.Contains(known))
        {
            return known;
        }

        var reference = await payloads.PutAsync(json, runId);
        _stored.Add(reference);
        _unsure.Remove(reference);
        return reference;
    }

    /// <summary>Deletes what the durable state has not held at this sweep and the one before, or everything when the run is forgotten.</summary>
    /// <remarks>A payload whose delete failed is tried again at the next sweep, and stored again, not trusted, if the run needs it again.</remarks>
    public async Task SweepAsync(bool forgotten)
    {
        if (_stored.Count == 0 && _unsure.Count == 0)
        {
            // Most runs: nothing large was ever stored.
            return;
        }

        var unheld = new HashSet<string>(_stored, StringComparer.Ordinal);
        unheld.UnionWith(_unsure);
        unheld.ExceptWith(_durable);
        if (unheld.Count == 0)
        {
            _dropped.Clear();
            return;
        }

        var next = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in unheld)
        {
            if (!forgotten && !_dropped.Contains(reference))
            {
                next.Add(reference);
                continue;
            }

            _stored.Remove(reference);
            try
            {
                await payloads.DeleteAsync(reference, runId);
                _unsure.Remove(reference);
            }
            catch (Exception ex)
            {
                deleteFailed(reference, ex);
                _unsure.Add(reference);
                next.Add(reference);
            }
        }

        _dropped = next;
    }

    /// <summary>Lists the payload references a run's state holds: its input and its steps' large results.</summary>
    private static HashSet<string> References(WorkflowRunState state)
    {
        HashSet<string>? references = null;
        if (state.Input?.StartsWith(WorkflowPayloads.RefPrefix, StringComparison.Ordinal) == true)
        {
            (references ??= new(StringComparer.Ordinal)).Add(state.Input);
        }

        foreach (var step in state.Run?.Steps ?? [])
        {
            if (step.ResultRef is { } reference)
            {
                (references ??= new(StringComparer.Ordinal)).Add(reference);
            }
        }

        return references ?? None;
    }
}
