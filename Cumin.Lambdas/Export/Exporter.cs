using Amazon.DynamoDBv2;
using Amazon.S3;
using Cumin.ServiceDefaults;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.Export;

/// <summary>
/// Exports one job: claim it (pending → running, conditionally), check its owner may still read the project, write the
/// tasks as CSV into the file store, mark the job done (or failed, with the reason), then announce it. A job that has
/// ended already (a redelivered INSERT) is only announced again, which the user grain de-duplicates by export id; so a
/// message lost between "done" and "sent" is not lost for good. When DynamoDB or SQS fail while the job is claimed,
/// finished or announced, <see cref="ExportAsync"/> throws and the function has the record retried.
/// </summary>
public sealed class Exporter(
    ExportJobTable jobs,
    ProjectTable projects,
    TaskCsvWriter csv,
    ExportFileStore files,
    ExportNotifier notifications,
    TimeProvider timeProvider,
    ILogger<Exporter> logger)
{
    /// <summary><paramref name="attempt"/> names this delivery of the job's INSERT record (its event id).</summary>
    public async Task ExportAsync(ExportJob job, string attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var (claim, item) = await jobs.TryClaimAsync(job, attempt, timeProvider.GetUtcNow(), cancellationToken);
        switch (claim)
        {
            case JobClaim.Missing:
                ExporterLog.JobMissing(logger, job.ExportId, job.UserId);
                return;
            case JobClaim.Busy:
                ExporterLog.JobBusy(logger, job.ExportId, job.UserId);
                return;
            case JobClaim.Finished:
                // A redelivered INSERT: the export exists; make sure its owner hears of it (they de-duplicate).
                if (ExportJobTable.MessageOf(job, item!) is { } again)
                {
                    await notifications.SendAsync(again, cancellationToken);
                }

                ExporterLog.JobAlreadyFinished(logger, job.ExportId, job.UserId);
                return;
        }

        var started = timeProvider.GetTimestamp();
        var outcome = await RunAsync(job, cancellationToken);
        if (!await jobs.TryFinishAsync(job, attempt, outcome, timeProvider.GetUtcNow(), cancellationToken))
        {
            // Another attempt ended it meanwhile: announce what is stored, not what this attempt made.
            ExporterLog.JobTakenOver(logger, job.ExportId, job.UserId);
            if (await jobs.GetAsync(job, cancellationToken) is { } current && ExportJobTable.MessageOf(job, current) is { } stored)
            {
                await notifications.SendAsync(stored, cancellationToken);
            }

            return;
        }

        await notifications.SendAsync(
            new ExportNotificationMessage(
                outcome.Succeeded ? ExportNotificationMessage.Completed : ExportNotificationMessage.Failed,
                job.UserId, job.ExportId, job.ProjectId, outcome.Url, outcome.UrlExpiresAt, outcome.TaskCount, outcome.Error),
            cancellationToken);
        var elapsed = timeProvider.GetElapsedTime(started);
        var ended = new KeyValuePair<string, object?>("outcome", outcome.Succeeded ? "completed" : "failed");
        CuminMetrics.Exports.Add(1, ended);
        CuminMetrics.ExportDuration.Record(elapsed.TotalSeconds, ended);
        if (outcome.Succeeded)
        {
            ExporterLog.JobDone(logger, job.ExportId, job.ProjectId, outcome.TaskCount ?? 0, elapsed.TotalMilliseconds);
        }
        else
        {
            ExporterLog.JobEndedFailed(logger, job.ExportId, job.ProjectId, outcome.Error!);
        }
    }

    /// <summary>The export proper. Whatever goes wrong here ends the job as failed, with a reason its owner can read.</summary>
    private async Task<ExportOutcome> RunAsync(ExportJob job, CancellationToken cancellationToken)
    {
        try
        {
            // Checked when the export runs, not only when it was asked for: a member removed meanwhile gets no tasks
            // added after the removal.
            switch (await projects.AccessOfAsync(job.ProjectId, job.UserId, cancellationToken))
            {
                case ProjectAccess.NoProject:
                    return new ExportOutcome(null, null, null, "The project does not exist (it may have been deleted).");
                case ProjectAccess.NotMember:
                    ExporterLog.RequesterNotMember(logger, job.ExportId, job.ProjectId, job.UserId);
                    return new ExportOutcome(null, null, null, "You are no longer a member of this project.");
            }

            var count = 0;
            var link = await files.StoreAsync(job, async (file, ct) => count = await csv.WriteAsync(job.ProjectId, file, ct), cancellationToken);
            return new ExportOutcome(count, link.Url, link.ExpiresAt, null);
        }
        catch (Exception ex) when (ex is AmazonS3Exception or AmazonDynamoDBException or Amazon.Runtime.AmazonClientException or IOException)
        {
            ExporterLog.ExportError(logger, ex, job.ExportId, job.ProjectId);
            return new ExportOutcome(null, null, null, ex switch
            {
                AmazonS3Exception s3 => $"Storing the file failed ({s3.ErrorCode ?? s3.StatusCode.ToString()}).",
                AmazonDynamoDBException dynamo => $"Reading the tasks failed ({dynamo.ErrorCode}).",
                _ => "The export could not be written.",
            });
        }
    }
}
