namespace Aos.Messaging;

/// <summary>
/// Orders pending messages in memory for a transport that schedules delivery in process (SQLite, NATS JetStream): FIFO lanes,
/// most urgent lane head first, delayed retries, and per-recipient inbox accounting for backpressure.
/// </summary>
/// <remarks>
/// A lane is a <see cref="TransportMessage.OrderKey"/>. Only a lane's head can be handed out, and only when it is due and not already
/// in flight, so a lane is strictly FIFO across retries. A recipient has at most one message in flight (its agent handles one turn at a
/// time anyway), so when it is free its most urgent due lane head goes next: priority orders each agent's inbox, not just the node's.
/// Among ready lanes, the one whose head has the highest priority and then the lowest sequence goes first. All members are thread-safe.
/// </remarks>
internal sealed partial class DeliveryScheduler : IDisposable
{
    private const int MaxSpareInboxes = 1024;

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Entry> _entries = [];
    private readonly Dictionary<string, Inbox> _inboxes = new(StringComparer.Ordinal);

    // Emptied inboxes kept for reuse: at a steady rate most recipients have one message at a time, so each would get a new inbox.
    private readonly Stack<Inbox> _spareInboxes = new();
    private readonly PriorityQueue<(Lane Lane, int Version), (int Priority, long Sequence)> _ready = new();
    private readonly PriorityQueue<(Lane Lane, int Version), long> _delayed = new();
    private readonly ITimer _timer;
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxBatch;
    private long _timerDue = long.MaxValue;
    private long _recovered;

    public DeliveryScheduler(TimeProvider timeProvider, int maxBatch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _timeProvider = timeProvider;
        _maxBatch = maxBatch;
        _timer = timeProvider.CreateTimer(static s => ((DeliveryScheduler)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets how many messages are pending for a recipient, in flight or not.</summary>
    public int Depth(string recipient)
    {
        lock (_lock)
        {
            return _inboxes.TryGetValue(recipient, out var inbox) ? inbox.Count : 0;
        }
    }

    /// <summary>Gets the total number of pending messages.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Reserves room in a recipient's inbox; when it is full, picks a less urgent waiting message to shed in its place.</summary>
    /// <remarks>
    /// A picked victim is only marked (it is not handed out meanwhile): the caller sheds it with <see cref="CommitShed"/> once the new
    /// message is durable, or keeps it with <see cref="CancelShed"/> when the new message turned out to be a duplicate or was not stored.
    /// </remarks>
    /// <returns><see langword="true"/> with a null victim when there is room; with a victim to shed; <see langword="false"/> when full.</returns>
    public bool TryReserve(string recipient, int priority, int capacity, bool overCapacity, out TransportMessage? victim)
    {
        victim = null;
        lock (_lock)
        {
            var inbox = InboxOf(recipient);
            if (inbox.Count - inbox.Doomed + inbox.Reserved < capacity || overCapacity)
            {
                inbox.Reserved++;
                return true;
            }

            for (var p = 0; p < priority; p++)
            {
                for (var node = inbox.ByPriority[p].Last; node is not null; node = node.Previous)
                {
                    if (!node.Value.InFlight && !node.Value.IsDoomed)
                    {
                        node.Value.IsDoomed = true;
                        inbox.Doomed++;
                        inbox.Reserved++;
                        victim = node.Value.Message;
                        return true;
                    }
                }
            }

            return false;
        }
    }

    /// <summary>Removes a victim picked by <see cref="TryReserve"/> once its replacement is durable.</summary>
    public void CommitShed(long sequence) => Remove(sequence);

    /// <summary>Keeps a victim picked by <see cref="TryReserve"/> whose replacement was not stored: it is handed out as before.</summary>
    public void CancelShed(long sequence)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(sequence, out var entry) || !entry.IsDoomed)
            {
                return;
            }

            entry.IsDoomed = false;
            _inboxes[entry.Message.Recipient.Value].Doomed--;
            var lane = _lanes[entry.Message.OrderKey];
            if (lane.Items.First?.Value == entry)
            {
                ScheduleLocked(lane);
            }
        }
    }

    /// <summary>Releases a reservation that did not become a message (a duplicate, or a failed write).</summary>
    public void Release(string recipient)
    {
        lock (_lock)
        {
            var inbox = InboxOf(recipient);
            inbox.Reserved--;
            DropInboxIfEmpty(recipient, inbox);
        }
    }

    /// <summary>Gets how many messages <see cref="Recover"/> added: found pending when the transport started, or taken over from a lost node.</summary>
    public long Recovered => Interlocked.Read(ref _recovered);

    /// <summary>Adds a pending message the transport found in its store when it started, or took over from a lost node: one that was in
    /// flight or waiting when its node stopped, handed out again; counted in <see cref="Recovered"/>.</summary>
    public void Recover(TransportMessage message, long dueAt)
    {
        if (Add(message, dueAt, reserved: false))
        {
            Interlocked.Increment(ref _recovered);
        }
    }

    /// <summary>Adds a durable pending message, turning its reservation (if any) into a place in the inbox.</summary>
    /// <returns><see langword="false"/> when a message of that sequence was pending already, and nothing was added.</returns>
    public bool Add(TransportMessage message, long dueAt, bool reserved)
    {
        lock (_lock)
        {
            if (_entries.ContainsKey(message.Sequence))
            {
                if (reserved)
                {
                    InboxOf(message.Recipient.Value).Reserved--;
                }

                return false;
            }

            var priority = Math.Clamp((int)message.Envelope.Priority, 0, 3);
            var entry = new Entry(message, priority, dueAt);
            if (!_lanes.TryGetValue(message.OrderKey, out var lane))
            {
                lane = new Lane(message.OrderKey);
                _lanes.Add(lane.Key, lane);
            }

            entry.LaneNode = lane.Items.AddLast(entry);
            var inbox = InboxOf(message.Recipient.Value);
            if (reserved)
            {
                inbox.Reserved--;
            }

            inbox.Count++;
            entry.InboxNode = inbox.ByPriority[priority].AddLast(entry);
            _entries.Add(message.Sequence, entry);
            if (lane.Items.Count == 1)
            {
                ScheduleLocked(lane);
            }

            return true;
        }
    }

    /// <summary>Removes a settled (delivered or dead-lettered) message and releases its lane's next message.</summary>
    public void Remove(long sequence)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(sequence, out var entry))
            {
                RemoveLocked(entry);
            }
        }
    }

    /// <summary>Puts an in-flight message back to be handed out again at <paramref name="dueAt"/>, with its new attempt count.</summary>
    public void Retry(long sequence, int attempts, long dueAt)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(sequence, out var entry))
            {
                return;
            }

            var wasInFlight = entry.InFlight;
            entry.InFlight = false;
            entry.DueAt = dueAt;
            entry.Message = entry.Message with { Attempts = attempts };
            var lane = _lanes[entry.Message.OrderKey];
            if (lane.Items.First?.Value == entry)
            {
                ScheduleLocked(lane);
            }

            if (wasInFlight)
            {
                ReleaseInFlightLocked(_inboxes[entry.Message.Recipient.Value]);
            }
        }
    }

    /// <summary>Hands out up to <paramref name="max"/> due lane heads, most urgent first, marking them in flight.</summary>
    public List<TransportMessage> Take(int max) => Take(max, 1);

    /// <summary>
    /// Hands out up to <paramref name="max"/> deliveries, most urgent first, marking them in flight: a delivery is a due lane head, and
    /// with a batch size above 1 also the fresh (never attempted) messages behind it in its lane that have its priority, up to that size.
    /// </summary>
    /// <remarks>A batch's messages for one recipient are consecutive in the result, in lane order.</remarks>
    public List<TransportMessage> Take(int max, int maxBatch)
    {
        var taken = new List<TransportMessage>();
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            while (_delayed.TryPeek(out var delayed, out var due) && due <= now)
            {
                _delayed.Dequeue();
                if (delayed.Version == delayed.Lane.Version)
                {
                    ScheduleLocked(delayed.Lane);
                }
            }

            var groups = 0;
            while (groups < max && _ready.TryDequeue(out var ready, out _))
            {
                if (ready.Version != ready.Lane.Version || ready.Lane.Items.First is not { } head || head.Value.InFlight || head.Value.IsDoomed)
                {
                    // A doomed head is being shed; if it is kept after all, CancelShed schedules its lane again.
                    continue;
                }

                var inbox = _inboxes[head.Value.Message.Recipient.Value];
                if (inbox.InFlight > 0)
                {
                    // Parked until the recipient's message in flight is settled; its lanes then compete again by priority.
                    inbox.Parked.Add(ready.Lane);
                    continue;
                }

                head.Value.InFlight = true;
                inbox.InFlight++;
                ready.Lane.Version++;
                taken.Add(head.Value.Message);
                groups++;
                var batched = 1;
                for (var next = head.Next; next is not null && batched < maxBatch && head.Value.Message.Attempts == 0; next = next.Next)
                {
                    var entry = next.Value;
                    if (entry.InFlight || entry.IsDoomed || entry.Priority != head.Value.Priority || entry.Message.Attempts != 0 || entry.DueAt > now)
                    {
                        break;
                    }

                    entry.InFlight = true;
                    inbox.InFlight++;
                    taken.Add(entry.Message);
                    batched++;
                }
            }

            ArmTimerLocked(now);
            if (taken.Count == 0 && _signal.Task.IsCompleted)
            {
                _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return taken;
    }

    /// <summary>Waits until messages are due and hands out up to <paramref name="max"/> of them, as <see cref="IMessageTransport.ReceiveAsync"/> does.</summary>
    public async ValueTask<IReadOnlyList<TransportMessage>> ReceiveAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        while (true)
        {
            var taken = Take(max, _maxBatch);
            if (taken.Count > 0)
            {
                return taken;
            }

            await WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gets a task that completes when a message may have become ready since the last empty <see cref="Take(int, int)"/>.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _signal.Task.WaitAsync(cancellationToken);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void ScheduleLocked(Lane lane)
    {
        lane.Version++;
        if (lane.Items.First is not { } head || head.Value.InFlight)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        if (head.Value.DueAt <= now)
        {
            _ready.Enqueue((lane, lane.Version), (-head.Value.Priority, head.Value.Message.Sequence));
            _signal.TrySetResult();
        }
        else
        {
            _delayed.Enqueue((lane, lane.Version), head.Value.DueAt);
            ArmTimerLocked(now);
        }
    }

    private void RemoveLocked(Entry entry)
    {
        _entries.Remove(entry.Message.Sequence);
        var lane = _lanes[entry.Message.OrderKey];
        var wasHead = lane.Items.First == entry.LaneNode;
        lane.Items.Remove(entry.LaneNode!);
        var recipient = entry.Message.Recipient.Value;
        var inbox = _inboxes[recipient];
        inbox.ByPriority[entry.Priority].Remove(entry.InboxNode!);
        inbox.Count--;
        if (entry.IsDoomed)
        {
            inbox.Doomed--;
        }
        if (entry.InFlight)
        {
            ReleaseInFlightLocked(inbox);
        }

        DropInboxIfEmpty(recipient, inbox);
        if (lane.Items.Count == 0)
        {
            lane.Version++;
            _lanes.Remove(lane.Key);
        }
        else if (wasHead)
        {
            ScheduleLocked(lane);
        }
    }

    private void ReleaseInFlightLocked(Inbox inbox)
    {
        if (--inbox.InFlight > 0)
        {
            return;
        }

        foreach (var lane in inbox.Parked)
        {
            if (_lanes.ContainsKey(lane.Key))
            {
                ScheduleLocked(lane);
            }
        }

        inbox.Parked.Clear();
    }

    private void ArmTimerLocked(long now)
    {
        while (_delayed.TryPeek(out var top, out _) && top.Version != top.Lane.Version)
        {
            _delayed.Dequeue();
        }

        var next = _delayed.TryPeek(out _, out var due) ? due : long.MaxValue;
        if (next == _timerDue)
        {
            return;
        }

        _timerDue = next;
        _timer.Change(next == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Max(0, next - now)), Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            _timerDue = long.MaxValue;
            _signal.TrySetResult();
        }
    }

    private Inbox InboxOf(string recipient)
    {
        if (!_inboxes.TryGetValue(recipient, out var inbox))
        {
            inbox = _spareInboxes.TryPop(out var spare) ? spare : new Inbox();
            _inboxes.Add(recipient, inbox);
        }

        return inbox;
    }

    private void DropInboxIfEmpty(string recipient, Inbox inbox)
    {
        if (inbox.Count == 0 && inbox.Reserved == 0 && inbox.InFlight == 0)
        {
            _inboxes.Remove(recipient);
            if (_spareInboxes.Count < MaxSpareInboxes)
            {
                // Nothing is left in it: no message (so none doomed), none reserved or in flight, and no lane parked.
                inbox.Parked.Clear();
                _spareInboxes.Push(inbox);
            }
        }
    }

    private sealed class Entry(TransportMessage message, int priority, long dueAt)
    {
        public TransportMessage Message { get; set; } = message;

        public int Priority { get; } = priority;

        public long DueAt { get; set; } = dueAt;

        public bool InFlight { get; set; }

        public bool IsDoomed { get; set; }

        public LinkedListNode<Entry>? LaneNode { get; set; }

        public LinkedListNode<Entry>? InboxNode { get; set; }
    }

    private sealed class Lane(string key)
    {
        public string Key { get; } = key;

        public LinkedList<Entry> Items { get; } = new();

        public int Version { get; set; }
    }

    private sealed class Inbox
    {
        public int Count { get; set; }

        public int Reserved { get; set; }

        public int InFlight { get; set; }

        public int Doomed { get; set; }

        public List<Lane> Parked { get; } = [];

        public LinkedList<Entry>[] ByPriority { get; } = [new(), new(), new(), new()];
    }
}
