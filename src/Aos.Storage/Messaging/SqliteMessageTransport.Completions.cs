namespace Aos.Storage.Messaging;

public sealed partial class SqliteMessageTransport
{
    private readonly Lock _completionsLock = new();
    private List<(long Sequence, int Attempts)> _completions = [];
    private TaskCompletionSource? _nextFlush;
    private bool _flushing;

    /// <summary>Queues a "delivered" mark and returns a task that completes once it is durable.</summary>
    private Task QueueCompletion(long sequence, int attempts)
    {
        Task flushed;
        bool start;
        lock (_completionsLock)
        {
            _completions.Add((sequence, attempts));
            _nextFlush ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            flushed = _nextFlush.Task;
            start = !_flushing;
            _flushing = true;
        }

        if (start)
        {
            _ = Task.Run(FlushCompletionsAsync);
        }

        return flushed;
    }

    private async Task FlushCompletionsAsync()
    {
        while (true)
        {
            List<(long Sequence, int Attempts)> batch;
            TaskCompletionSource done;
            lock (_completionsLock)
            {
                if (_completions.Count == 0)
                {
                    _flushing = false;
                    return;
                }

                batch = _completions;
                done = _nextFlush!;
                _completions = [];
                _nextFlush = null;
            }

            try
            {
                var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
                await _schema.Database.WriteReplayableAsync(
                    connection =>
                    {
                        foreach (var (sequence, attempts) in batch)
                        {
                            Settle(connection, CompleteSql, sequence, attempts, now, null, null);
                        }

                        return batch.Count;
                    },
                    CancellationToken.None).ConfigureAwait(false);
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }
    }
}
