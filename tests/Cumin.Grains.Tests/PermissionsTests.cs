using System.Text.Json;
using Cumin.Exports;
using Cumin.Orleans.DynamoDB;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;

namespace Cumin.Grains.Tests;

/// <summary>The one table of who may do what, and the one list of wire names, as the rest of the code relies on them.</summary>
public sealed class PermissionsTests
{
    private const string V = "viewer", E = "editor", O = "owner";

    /// <summary>API.md, role by role: the least role of each action, and the author rules of comments.</summary>
    public static TheoryData<ProjectAction, string> LeastRoles => new()
    {
        { ProjectAction.ViewProject, V }, { ProjectAction.UpdateProject, E }, { ProjectAction.DeleteProject, O },
        { ProjectAction.ViewMembers, V }, { ProjectAction.AddMember, O }, { ProjectAction.RemoveMember, O },
        { ProjectAction.LeaveProject, V }, { ProjectAction.ViewTasks, V }, { ProjectAction.CreateTask, E },
        { ProjectAction.UpdateTask, E }, { ProjectAction.MoveTask, E }, { ProjectAction.DeleteTask, E },
        { ProjectAction.ViewLabels, V }, { ProjectAction.ManageLabels, E }, { ProjectAction.ViewComments, V },
        { ProjectAction.CreateComment, E }, { ProjectAction.ViewActivity, V }, { ProjectAction.StartExport, V },
        { ProjectAction.ManageWebhooks, O },
    };

    [Theory]
    [MemberData(nameof(LeastRoles))]
    public void Each_action_needs_its_role_and_non_members_never_learn_anything(ProjectAction action, string leastRole)
    {
        Assert.True(WireNames.TryParse<ProjectRole>(leastRole, out var least));
        foreach (var role in Enum.GetValues<ProjectRole>())
        {
            Assert.Equal(role >= least ? Outcome.Ok : Outcome.Forbidden, Permissions.Decide(role, action));
        }

        Assert.Equal(Outcome.NotFound, Permissions.Decide(null, action));
        Assert.Equal(Outcome.NotFound, Permissions.Deny<int>(null, action)!.Outcome);
    }

    [Fact]
    public void Every_action_is_in_the_table()
    {
        var covered = LeastRoles.Select(row => (ProjectAction)row[0]).Concat([ProjectAction.EditComment, ProjectAction.DeleteComment]);
        Assert.Equal(Enum.GetValues<ProjectAction>().Order(), covered.Order());
        Assert.All(Enum.GetValues<ProjectAction>(), action => Permissions.LeastRoleFor(action));
    }

    [Fact]
    public void Only_its_author_edits_a_comment_and_the_owner_may_also_delete_it()
    {
        Assert.Equal(Outcome.Ok, Permissions.Decide(ProjectRole.Editor, ProjectAction.EditComment, isAuthor: true));
        Assert.Equal(Outcome.Forbidden, Permissions.Decide(ProjectRole.Editor, ProjectAction.EditComment, isAuthor: false));
        Assert.Equal(Outcome.Forbidden, Permissions.Decide(ProjectRole.Owner, ProjectAction.EditComment, isAuthor: false));
        // An author who has become a viewer no longer edits, but may still take their words back.
        Assert.Equal(Outcome.Forbidden, Permissions.Decide(ProjectRole.Viewer, ProjectAction.EditComment, isAuthor: true));
        Assert.Equal(Outcome.Ok, Permissions.Decide(ProjectRole.Viewer, ProjectAction.DeleteComment, isAuthor: true));

        Assert.Equal(Outcome.Ok, Permissions.Decide(ProjectRole.Owner, ProjectAction.DeleteComment, isAuthor: false));
        Assert.Equal(Outcome.Forbidden, Permissions.Decide(ProjectRole.Editor, ProjectAction.DeleteComment, isAuthor: false));
        Assert.Equal(Outcome.NotFound, Permissions.Decide(null, ProjectAction.DeleteComment, isAuthor: true));
    }

    [Fact]
    public void A_refusal_says_what_is_missing()
    {
        Assert.Contains("editor", Permissions.Deny<int>(ProjectRole.Viewer, ProjectAction.MoveTask)!.Detail, StringComparison.Ordinal);
        Assert.Contains("owner", Permissions.Deny<int>(ProjectRole.Editor, ProjectAction.AddMember)!.Detail, StringComparison.Ordinal);
        Assert.Null(Permissions.Deny<int>(ProjectRole.Editor, ProjectAction.MoveTask));
    }

    [Fact]
    public void Wire_names_are_the_contracts_and_what_json_naming_would_derive()
    {
        AssertNames<TaskItemStatus>(["todo", "in_progress", "done"]);
        AssertNames<TaskPriority>(["low", "medium", "high"]);
        AssertNames<ProjectRole>(["viewer", "editor", "owner"]);
        AssertNames<ExportStatus>(["pending", "running", "done", "failed"]);

        var json = new JsonSerializerOptions { Converters = { new WireNameJsonConverterFactory() } };
        Assert.Equal("\"in_progress\"", JsonSerializer.Serialize(TaskItemStatus.InProgress, json));
        Assert.Equal(TaskItemStatus.InProgress, JsonSerializer.Deserialize<TaskItemStatus>("\"in_progress\"", json));
        foreach (var wrong in new[] { "\"InProgress\"", "\"IN_PROGRESS\"", "1", "\"blocked\"" })
        {
            Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TaskItemStatus>(wrong, json));
        }
    }

    [Fact]
    public void The_contracts_key_names_are_the_storage_providers()
    {
        Assert.Equal(DynamoDBGrainStorageOptions.ETagAttributeName, KeyAttributes.ETag);
        Assert.Equal("0:a0", TaskIndexes.BoardKeyOf(TaskStatusNames.Todo, "a0"));
        Assert.Equal("2:a0", TaskIndexes.BoardKeyOf(TaskStatusNames.Done, "a0"));
        Assert.True(string.CompareOrdinal(TaskIndexes.AssigneeKeyOf("2026-12-24", "B"), TaskIndexes.AssigneeKeyOf(null, "A")) < 0);
    }

    private static void AssertNames<T>(string[] expected)
        where T : struct, Enum
    {
        Assert.Equal(expected, WireNames.All<T>());
        foreach (var value in Enum.GetValues<T>())
        {
            var name = WireNames.Of(value);
            Assert.Equal(JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()), name);
            Assert.True(WireNames.TryParse<T>(name, out var parsed));
            Assert.Equal(value, parsed);
        }
    }
}
