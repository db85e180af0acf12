using System.Globalization;
using System.Text.Json;
using Aos.Messaging;
using Azure;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;

namespace Aos.Azure.Messaging;

public sealed partial class ServiceBusMessageTransport
{
    private const string SequenceProperty = "aos-sequence";
    private const string MessageIdProperty = "aos-message-id";
    private const string RecipientProperty = "aos-recipient";
    private const int ReceiveBatch = 100;

    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReceiveErrorDelay = TimeSpan.FromSeconds(1);

    private async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            return;
        }

        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                return;
            }

            if (_azureOptions.CreateQueue)
            {
                await CallAsync(CreateQueueIfMissingAsync, cancellationToken).ConfigureAwait(false);
            }

            await _ledger.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            var pending = await _ledger.LoadPendingAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entry in pending)
            {
                if (entry.ServiceBusSequence > 0)
                {
                    _copies.Track(entry.Sequence, entry.ServiceBusSequence);
                }
                else
                {
                    _copies.Expect(entry.Sequence);
                }

                _scheduler.Recover(entry.ToMessage(), entry.DueAt);
            }

            _receiveLoop = Task.Run(() => ReceiveLoopAsync(_stopping.Token), CancellationToken.None);
            LogStarted(_logger, QueueName, TableName, pending.Count);
            _started = true;
        }
        finally
        {
            _startLock.Release();
        }
    }

    private async Task CreateQueueIfMissingAsync(CancellationToken cancellationToken)
    {
        var administration = new ServiceBusAdministrationClient(_azureOptions.ServiceBusConnectionString, new ServiceBusAdministrationClientOptions { Retry = { MaxRetries = 0 } });
        if ((await administration.QueueExistsAsync(QueueName, cancellationToken).ConfigureAwait(false)).Value)
        {
            return;
        }

        try
        {
            await administration.CreateQueueAsync(
                new CreateQueueOptions(QueueName)
                {
                    RequiresDuplicateDetection = true,
                    DuplicateDetectionHistoryTimeWindow = _azureOptions.DuplicateDetectionWindow,
                    LockDuration = TimeSpan.FromMinutes(1),
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceBusException e) when (e.Reason == ServiceBusFailureReason.MessagingEntityAlreadyExists)
        {
            // Created by someone else in between.
        }
    }

    /// <summary>Creates a message's ledger row and sends its copy to the queue.</summary>
    /// <returns>The row, or <see langword="null"/> when the ledger already knows the message (a duplicate).</returns>
    private async ValueTask<LedgerEntry?> AcceptAsync(TransportMessage message, long now, CancellationToken cancellationToken)
    {
        var sequence = await _ledger.NextSequenceAsync(cancellationToken).ConfigureAwait(false);
        var entry = LedgerEntry.Accepted(message, sequence, now);
        if (!await _ledger.TryAddAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            // An earlier enqueue may have added the row and then failed before telling the scheduler (a timeout after the table
            // applied the add): a pending row is handed out now rather than after the next restart; the ledger is what delivers.
            var known = (await _ledger.GetAsync(message.Envelope.Id, cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(e => e.Recipient == message.Recipient.Value && e.Status == MessageStatus.Pending);
            if (known is not null)
            {
                _scheduler.Add(known.ToMessage(), known.DueAt, reserved: false);
            }

            return null;
        }

        _copies.Expect(sequence);
        try
        {
            await SendCopyAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _copies.Forget(sequence);
            await _ledger.RemovePendingAsync(entry.MessageId, entry.Recipient, sequence, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return entry;
    }

    private async Task SendCopyAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        var (partition, row) = TableMessageLedger.KeyOf(entry.MessageId, entry.Recipient);
        var copy = new ServiceBusMessage(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(entry.Envelope, AzureJsonContext.Default.Envelope)))
        {
            MessageId = partition + "." + row + "." + entry.Sequence.ToString(CultureInfo.InvariantCulture),
            ContentType = "application/json",
            Subject = entry.Envelope.Type,
        };
        copy.ApplicationProperties[SequenceProperty] = entry.Sequence;
        copy.ApplicationProperties[MessageIdProperty] = entry.MessageId;
        copy.ApplicationProperties[RecipientProperty] = entry.Recipient;
        await CallAsync(ct => _sender.SendMessageAsync(copy, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Defers the copies of pending messages as they arrive, and completes the copies of messages no longer pending.</summary>
    private async Task ReceiveLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var received = await _receiver.ReceiveMessagesAsync(ReceiveBatch, ReceiveWait, stopping).ConfigureAwait(false);
                foreach (var copy in received)
                {
                    await AdoptAsync(copy, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                // The loop must outlive any failure (a lock lost, the table briefly unavailable): unsettled copies come back.
                LogReceiveFailed(_logger, QueueName, e);
                try
                {
                    await Task.Delay(ReceiveErrorDelay, _timeProvider, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task AdoptAsync(ServiceBusReceivedMessage copy, CancellationToken cancellationToken)
    {
        if (!copy.ApplicationProperties.TryGetValue(SequenceProperty, out var value) || value is not long sequence)
        {
            LogForeignMessage(_logger, copy.SequenceNumber);
            await CallAsync(ct => _receiver.DeadLetterMessageAsync(copy, "aos-foreign", "The message was not sent by an AOS transport.", ct), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_copies.TryAdopt(sequence))
        {
            await CallAsync(ct => _receiver.CompleteMessageAsync(copy, ct), cancellationToken).ConfigureAwait(false);
            return;
        }

        await CallAsync(ct => _receiver.DeferMessageAsync(copy, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        if (!_copies.Deferred(sequence, copy.SequenceNumber))
        {
            await RemoveDeferredAsync(copy.SequenceNumber, cancellationToken).ConfigureAwait(false);
            return;
        }

        var messageId = copy.ApplicationProperties.TryGetValue(MessageIdProperty, out var id) ? id as string : null;
        var recipient = copy.ApplicationProperties.TryGetValue(RecipientProperty, out var to) ? to as string : null;
        if (messageId is null || recipient is null)
        {
            return;
        }

        try
        {
            await _ledger.UpdatePendingAsync(messageId, recipient, sequence, entry => entry with { ServiceBusSequence = copy.SequenceNumber }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            LogCopyNotRecorded(_logger, copy.SequenceNumber, messageId, e);
        }
    }

    /// <summary>Removes the queue copy of a settled message, now or (when the receive loop has not deferred it yet) when the loop sees it.</summary>
    private async ValueTask RemoveCopyAsync(long sequence, CancellationToken cancellationToken)
    {
        if (_copies.Settle(sequence) is { } serviceBusSequence)
        {
            await RemoveDeferredAsync(serviceBusSequence, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RemoveDeferredAsync(long serviceBusSequence, CancellationToken cancellationToken)
    {
        try
        {
            var deferred = await CallAsync(ct => new ValueTask<ServiceBusReceivedMessage>(_receiver.ReceiveDeferredMessageAsync(serviceBusSequence, ct)), cancellationToken).ConfigureAwait(false);
            if (deferred is not null)
            {
                await CallAsync(ct => _receiver.CompleteMessageAsync(deferred, ct), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is ServiceBusException or Aos.Reliability.DependencyUnavailableException)
        {
            // The ledger is the truth: a copy left behind is never handed out, only kept until its time to live.
            LogCopyNotRemoved(_logger, serviceBusSequence, e);
        }
    }
}
