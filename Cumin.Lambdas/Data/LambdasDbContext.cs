using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Cumin.Lambdas.Data;

/// <summary>
/// The Lambdas' PostgreSQL schema: the aggregator's counts, ledger and deleted-project markers, and the local
/// runner's stream checkpoints, the webhook deliveries log. One context so one migration history creates all of it.
/// Names are snake_case because the API and psql users query these tables by hand.
/// </summary>
public sealed class LambdasDbContext(DbContextOptions<LambdasDbContext> options) : DbContext(options)
{
    public DbSet<ProjectStatusCounts> ProjectStatusCounts => Set<ProjectStatusCounts>();

    public DbSet<TaskLedgerEntry> TaskLedger => Set<TaskLedgerEntry>();

    public DbSet<DeletedProject> DeletedProjects => Set<DeletedProject>();

    public DbSet<StreamCheckpoint> StreamCheckpoints => Set<StreamCheckpoint>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<WebhookSuspension> WebhookSuspensions => Set<WebhookSuspension>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<ProjectStatusCounts>(counts =>
        {
            counts.ToTable("project_status_counts");
            counts.HasKey(c => c.ProjectId);
            counts.Property(c => c.ProjectId).HasColumnName("project_id");
            counts.Property(c => c.Todo).HasColumnName("todo").HasDefaultValue(0);
            counts.Property(c => c.InProgress).HasColumnName("in_progress").HasDefaultValue(0);
            counts.Property(c => c.Done).HasColumnName("done").HasDefaultValue(0);
        });

        modelBuilder.Entity<TaskLedgerEntry>(ledger =>
        {
            ledger.ToTable("aggregator_task_ledger");
            ledger.HasKey(l => new { l.ProjectId, l.TaskId });
            ledger.Property(l => l.ProjectId).HasColumnName("project_id");
            ledger.Property(l => l.TaskId).HasColumnName("task_id");
            ledger.Property(l => l.LastSequenceNumber).HasColumnName("last_sequence_number").HasColumnType("numeric(40,0)");
            ledger.Property(l => l.CountedStatus).HasColumnName("counted_status");
        });

        modelBuilder.Entity<DeletedProject>(deleted =>
        {
            deleted.ToTable("aggregator_deleted_projects");
            deleted.HasKey(d => d.ProjectId);
            deleted.Property(d => d.ProjectId).HasColumnName("project_id");
            deleted.Property(d => d.SequenceNumber).HasColumnName("sequence_number").HasColumnType("numeric(40,0)");
            deleted.Property(d => d.DeletedAt).HasColumnName("deleted_at");
            deleted.HasIndex(d => d.DeletedAt);
        });

        modelBuilder.Entity<StreamCheckpoint>(checkpoint =>
        {
            checkpoint.ToTable("stream_checkpoints");
            checkpoint.HasKey(c => new { c.Consumer, c.StreamArn, c.ShardId });
            checkpoint.Property(c => c.Consumer).HasColumnName("consumer");
            checkpoint.Property(c => c.StreamArn).HasColumnName("stream_arn");
            checkpoint.Property(c => c.ShardId).HasColumnName("shard_id");
            checkpoint.Property(c => c.SequenceNumber).HasColumnName("sequence_number");
            checkpoint.Property(c => c.Finished).HasColumnName("finished");
            checkpoint.Property(c => c.UpdatedAt).HasColumnName("updated_at");
        });

        modelBuilder.Entity<WebhookDelivery>(delivery =>
        {
            delivery.ToTable("webhook_deliveries");
            delivery.HasKey(d => d.Id);
            delivery.Property(d => d.Id).HasColumnName("id");
            delivery.Property(d => d.WebhookId).HasColumnName("webhook_id");
            delivery.Property(d => d.ProjectId).HasColumnName("project_id");
            delivery.Property(d => d.EventId).HasColumnName("event_id");
            delivery.Property(d => d.Type).HasColumnName("type");
            delivery.Property(d => d.At).HasColumnName("at");
            delivery.Property(d => d.Attempt).HasColumnName("attempt");
            delivery.Property(d => d.Status).HasColumnName("status");
            delivery.Property(d => d.Ok).HasColumnName("ok");
            delivery.Property(d => d.DurationMs).HasColumnName("duration_ms");
            delivery.Property(d => d.Error).HasColumnName("error");
            // A webhook's newest attempts first: the deliveries page, the last delivery, the failures in a row.
            delivery.HasIndex(d => new { d.WebhookId, d.At }).IsDescending(false, true);
            // Deleting a project's log.
            delivery.HasIndex(d => d.ProjectId);
        });

        modelBuilder.Entity<WebhookSuspension>(suspension =>
        {
            suspension.ToTable("webhook_suspensions");
            suspension.HasKey(s => s.WebhookId);
            suspension.Property(s => s.WebhookId).HasColumnName("webhook_id");
            suspension.Property(s => s.ProjectId).HasColumnName("project_id");
            suspension.Property(s => s.SuspendedAt).HasColumnName("suspended_at");
        });
    }
}
