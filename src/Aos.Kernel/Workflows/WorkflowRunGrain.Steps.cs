using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Storage;
using Aos.Workflows;

namespace Aos.Kernel.Workflows;

internal sealed partial class WorkflowRunGrain
{
    internal const string SignalKind = "signal";
    internal const string ChildKind = "workflow";

    /// <summary>Applies what is due, starts what is ready, persists, then launches the steps' kinds and tells whom a finished run concerns.</summary>
    /// <param name="restart">Whether the run was just activated: every running step is started again.</param>
    /// <param name="changed">Whether the state changed already and must be saved.</param>
    private async Task AdvanceAsync(bool restart, bool changed = false)
    {
        var definition = _definition!;
        var now = timeProvider.GetUtcNow();
        var run = State.Run!;
        var wasFinished = run.IsFinished && !changed;
        var launch = new List<(string Step, bool Compensating)>();

        while (true)
        {
            if (run.Status == WorkflowStatus.Completed && definition.ContinueAsNew
                && (definition.MaxIterations is null || run.Iteration + 1 < definition.MaxIterations))
            {
                State.Input = await StorePayloadAsync(await ResultOfAsync(definition, run));
                run = WorkflowScheduler.NextIteration(run, now);
                changed = true;
            }

            if (run.IsFinished)
            {
                break;
            }

            foreach (var step in run.Steps.Where(s => s.Status == StepStatus.Running))
            {
                var timeout = definition.Steps.First(s => s.Id == step.Id).Timeout;
                if (timeout is { } t && step.StartedAt + t <= now)
                {
                    _inFlight.Remove((step.Id, false));
                    run = WorkflowScheduler.Fail(definition, run, step.Id, $"timed out after {Durations.Format(t)}", now);
                    changed = true;
                }
            }

            var ready = WorkflowScheduler.Ready(definition, run, now);
            foreach (var id in ready)
            {
                run = WorkflowScheduler.Begin(run, id, now);
                var step = definition.Steps.First(s => s.Id == id);
                if (step.Kind == SignalKind && TakeSignal(SignalName(step), out var payload))
                {
                    run = WorkflowScheduler.Complete(definition, run, id, payload, now);
                }
                else if (step.Kind != SignalKind)
                {
                    run = WithStep(run, id, s => s with { CheckAt = now + _options.ResumeDelay });
                    launch.Add((id, false));
                }
            }

            changed |= ready.Count > 0;
            if (ready.Count > 0 && (run.IsFinished || WorkflowScheduler.Ready(definition, run, now).Count > 0))
            {
                continue; // A signal taken at once completed a step and made more ready, or ended the iteration.
            }

            break;
        }

        if (!run.IsFinished)
        {
            foreach (var step in run.Steps.Where(s => s.Status == StepStatus.Running && definition.Steps.First(d => d.Id == s.Id).Kind != SignalKind))
            {
                if (launch.Contains((step.Id, false)))
                {
                    continue;
                }

                // The next check moves on in memory only: what is durable is the older check, which is what a restart needs.
                if (_inFlight.Contains((step.Id, false)))
                {
                    if (step.CheckAt <= now)
                    {
                        // Still executing here: not lost, so not started again; checked again later.
                        run = WithStep(run, step.Id, s => s with { CheckAt = now + _options.ResumeDelay });
                    }
                }
                else if (restart || step.CheckAt <= now)
                {
                    run = WithStep(run, step.Id, s => s with { CheckAt = now + _options.ResumeDelay });
                    launch.Add((step.Id, false));
                }
            }

            if (run.Status == WorkflowStatus.Compensating && run.PendingCompensations is [var next, ..] && !_inFlight.Contains((next, true)))
            {
                launch.Add((next, true));
            }
        }

        var finishing = run.IsFinished && !wasFinished;
        if (finishing && State.Admitted)
        {
            State.Admitted = false;
            _admissionOwed = true;
        }

        State.Run = run;
        if (changed)
        {
            await SaveAsync();
        }
        else
        {
            await EnsureReminderAsync();
        }

        foreach (var (step, compensating) in launch)
        {
            await LaunchAsync(step, compensating);
        }

        if (run.IsFinished)
        {
            _finished.TrySetResult();
            await FinishAsync(definition, run);
        }

        // Last, so that the steps made ready are not held up by it.
        await _payloads!.SweepAsync(forgotten: false);
    }

    /// <summary>Records what became of an attempt, then advances the run.</summary>
    private async Task RecordAsync(string stepId, bool compensating, WorkflowStepOutcome outcome)
    {
        var definition = _definition!;
        var now = timeProvider.GetUtcNow();
        var run = State.Run!;
        _inFlight.Remove((stepId, compensating));
        if (compensating)
        {
            if (run.PendingCompensations.FirstOrDefault() != stepId || outcome.IsWaiting)
            {
                return; // A waiting compensation is checked again when the run next wakes.
            }

            State.Run = WorkflowScheduler.Compensated(definition, run, stepId, outcome.Error, now);
        }
        else if (Step(stepId).Status != StepStatus.Running)
        {
            return;
        }
        else if (outcome.IsWaiting)
        {
            var checkAt = outcome.CheckAt ?? now + _options.WaitCheckInterval;
            if (Step(stepId).CheckAt == checkAt)
            {
                return;
            }

            State.Run = WithStep(run, stepId, s => s with { CheckAt = checkAt });
        }
        else if (outcome.Error is { } error)
        {
            State.Run = WorkflowScheduler.Fail(definition, run, stepId, error, now, outcome.IsFinal);
        }
        else
        {
            var stored = outcome.Result is null ? null : await StorePayloadAsync(outcome.Result);
            var reference = stored?.StartsWith(WorkflowPayloads.RefPrefix, StringComparison.Ordinal) == true ? stored : null;
            var completed = WorkflowScheduler.Complete(definition, run, stepId, reference is null ? stored : null, now);
            State.Run = reference is null ? completed : WithStep(completed, stepId, s => s with { ResultRef = reference });
        }

        await AdvanceAsync(restart: false, changed: true);
    }

    /// <summary>Starts one attempt of a step's kind (or of its compensation) off the grain's turn; it reports back through the grain.</summary>
    private async Task LaunchAsync(string stepId, bool compensating)
    {
        if (!_inFlight.Add((stepId, compensating)))
        {
            return;
        }

        var run = State.Run!;
        var step = _definition!.Steps.First(s => s.Id == stepId);
        var stepRun = Step(stepId);
        var (kindName, input) = compensating ? (step.Compensation!.Kind, step.Compensation.Input) : (step.Kind, step.Input);
        var address = new WorkflowStepAddress(RunId, stepId, stepRun.Attempts, run.Iteration, compensating);
        var context = new WorkflowStepContext
        {
            RunId = RunId,
            Workflow = run.Workflow,
            Tenant = run.Tenant,
            StepId = stepId,
            Attempt = stepRun.Attempts,
            Iteration = run.Iteration,
            StartedAt = stepRun.StartedAt ?? run.UpdatedAt,
            Input = ParseElement(input),
            RunInput = await LoadPayloadAsync(State.Input),
            DependencyResults = await DependencyResultsAsync(step, run),
            Compensating = compensating,
        };

        var kind = kinds.Find(kindName);
        var self = this.AsReference<IWorkflowRunGrain>();
        _ = Task.Run(async () =>
        {
            WorkflowStepOutcome outcome;
            try
            {
                outcome = kind is null
                    ? WorkflowStepOutcome.Failed($"No step kind '{kindName}' is registered on this node.", final: true)
                    : await kind.StartAsync(context);
            }
            catch (AosValidationException ex)
            {
                // A bad input stays bad: retrying it would fail the same way.
                outcome = WorkflowStepOutcome.Failed(ex.Message, final: true);
            }
            catch (Exception ex)
            {
                outcome = WorkflowStepOutcome.Failed($"{ex.GetType().Name}: {ex.Message}");
            }

            try
            {
                await self.CompleteStepAsync(address, outcome);
            }
            catch (Exception ex)
            {
                Log.ReportFailed(logger, address.RunId, address.StepId, ex);
            }
        });
    }

    /// <summary>Gives the run's slot back and tells the parent of a child run how it ended; both are retried at the next wake if they fail.</summary>
    private async Task FinishAsync(WorkflowDefinition definition, WorkflowRun run)
    {
        if (_admissionOwed)
        {
            try
            {
                await GrainFactory.GetGrain<IWorkflowAdmissionGrain>(WorkflowAdmissionGrain.Key).ReleaseAsync(RunId);
                _admissionOwed = false;

                // The notice owed was the run's last deadline: its reminder would otherwise tick for good. A run with a retention waits
                // for the time it is forgotten instead.
                await ForgetIdleReminderAsync();
                _deadline!.Arm(NextWake());
            }
            catch (Exception ex)
            {
                Log.NoticeFailed(logger, RunId, "the admission of runs", ex);
            }
        }

        if (State.Parent is { } parent && !State.ParentNotified)
        {
            try
            {
                var outcome = run.Status == WorkflowStatus.Completed
                    ? WorkflowStepOutcome.CompletedJson(await ResultOfAsync(definition, run))
                    : WorkflowStepOutcome.Failed($"child run '{RunId}' {run.Status}{(run.Error is null ? string.Empty : ": " + run.Error)}");
                await GrainFactory.GetGrain<IWorkflowRunGrain>(parent.RunId).CompleteStepAsync(parent, outcome);
                State.ParentNotified = true;
                await SaveAsync();
            }
            catch (Exception ex)
            {
                Log.NoticeFailed(logger, RunId, $"its parent run '{parent.RunId}'", ex);
            }
        }
    }

    private bool _admissionOwed;
    private bool _reminderMayExist;
    private IGrainReminder? _reminder;

    /// <summary>Persists the state; the reminder is registered first when the next deadline moved earlier, so a durable deadline always has one.</summary>
    private async Task SaveAsync()
    {
        await EnsureReminderAsync();
        try
        {
            if (_listing is not { } listing)
            {
                await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
            }
            else if (storage is IAgentTurnStore turns)
            {
                await turns.CommitTurnAsync(StateName, this.GetGrainId(), _state, RunList, new AgentTurnWrites(listing.Timestamp) { Appends = [listing] });
            }
            else
            {
                await journal.AppendAsync(RunList, listing.Kind, listing.Entries, listing.Timestamp, listing.Keep);
                await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
            }

            _listing = null;
            _payloads!.Saved(State);
        }
        catch
        {
            // Memory no longer matches what is durable: start over from storage on the next call.
            DeactivateOnIdle();
            throw;
        }

        await ForgetIdleReminderAsync();
    }

    /// <summary>Removes the run's reminder once it has no deadline left.</summary>
    /// <remarks>
    /// <see cref="WorkflowRunState.ReminderAt"/> is cleared when the reminder fires, but the reminder stays registered (it ticks every
    /// minute), so whether one may exist is tracked apart from when it fires next.
    /// </remarks>
    private async Task ForgetIdleReminderAsync()
    {
        if (NextWake() is not null || !_reminderMayExist)
        {
            return;
        }

        _deadline!.Arm(null);
        if (_reminder is { } reminder)
        {
            // The handle of this activation's own registration: removed without looking the reminder up first.
            _reminder = null;
            await this.UnregisterReminder(reminder);
        }
        else
        {
            await _deadline.ForgetAsync();
        }

        _reminderMayExist = false;
        State.ReminderAt = null;
    }

    /// <summary>Arms the timer for the next deadline and registers the reminder when it is not registered early enough.</summary>
    private async Task EnsureReminderAsync()
    {
        var wake = NextWake();
        _deadline!.Arm(wake);
        if (wake is { } at && (State.ReminderAt is null || at < State.ReminderAt))
        {
            var dueIn = at - timeProvider.GetUtcNow();
            _reminderMayExist = true;
            _reminder = await this.RegisterOrUpdateReminder(ReminderName, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, TimeSpan.FromMinutes(1));
            State.ReminderAt = at;
        }
    }

    /// <summary>Gets the run's next deadline: a check of a running step, a timeout, a retry, a notice still owed, or when a finished run is forgotten.</summary>
    private DateTimeOffset? NextWake()
    {
        var run = State.Run;
        if (run is null)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        if (run.IsFinished)
        {
            return State.Parent is not null && !State.ParentNotified || _admissionOwed ? now + _options.ResumeDelay : ForgetAt();
        }

        DateTimeOffset? next = run.Status == WorkflowStatus.Compensating ? now + _options.ResumeDelay : null;
        foreach (var step in run.Steps)
        {
            if (step.Status == StepStatus.Running)
            {
                next = Min(next, step.CheckAt);
                if (_definition!.Steps.First(s => s.Id == step.Id).Timeout is { } timeout && step.StartedAt is { } started)
                {
                    next = Min(next, started + timeout);
                }
            }
            else if (step.Status == StepStatus.Pending && run.Status == WorkflowStatus.Running)
            {
                next = Min(next, step.RetryAt);
            }
        }

        return next;

        static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;
    }

    private bool TakeSignal(string name, out string? payload)
    {
        payload = null;
        if (!State.Signals.TryGetValue(name, out var queue) || queue.Count == 0)
        {
            return false;
        }

        payload = queue[0];
        queue.RemoveAt(0);
        if (queue.Count == 0)
        {
            State.Signals.Remove(name);
        }

        return true;
    }

    internal static string SignalName(WorkflowStep step) =>
        ParseElement(step.Input) is { ValueKind: JsonValueKind.Object } input && input.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()!
            : step.Id;

    /// <summary>Builds a run's result: the results of the steps no other step depends on, by step id.</summary>
    private async Task<string> ResultOfAsync(WorkflowDefinition definition, WorkflowRun run)
    {
        var result = new JsonObject();
        foreach (var step in definition.Steps.Where(s => !definition.Steps.Any(o => o.DependsOn.Contains(s.Id, StringComparer.Ordinal))))
        {
            var stepRun = run.Steps.First(s => s.Id == step.Id);
            var json = stepRun.ResultRef is { } reference ? await payloads.GetAsync(reference, RunId) : stepRun.Result;
            result[step.Id] = json is null ? null : JsonNode.Parse(json);
        }

        return result.ToJsonString();
    }

    private async Task<IReadOnlyDictionary<string, JsonElement?>> DependencyResultsAsync(WorkflowStep step, WorkflowRun run)
    {
        var results = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
        foreach (var dependency in step.DependsOn)
        {
            var stepRun = run.Steps.First(s => s.Id == dependency);
            results[dependency] = await LoadPayloadAsync(stepRun.ResultRef ?? stepRun.Result);
        }

        return results;
    }

    private static JsonElement? ParseElement(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static WorkflowRun WithStep(WorkflowRun run, string stepId, Func<StepRun, StepRun> change) =>
        run with { Steps = [.. run.Steps.Select(s => s.Id == stepId ? change(s) : s)] };
}
