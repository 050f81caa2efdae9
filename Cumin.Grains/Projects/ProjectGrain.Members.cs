using Cumin.Grains.Persistence;
using Cumin.Live;
using Cumin.Projects;
using Cumin.Users;

namespace Cumin.Grains.Projects;

/// <summary>The project's members: listed by any member, added and removed by the owner; a removal reaches every reader at once.</summary>
public sealed partial class ProjectGrain
{
    public Task<Reply<IReadOnlyList<Member>>> GetMembers(string callerId) =>
        Task.FromResult(Permissions.Deny<IReadOnlyList<Member>>(RoleOrNull(callerId), ProjectAction.ViewMembers)
            ?? Reply<IReadOnlyList<Member>>.Ok(state.State.Members.Select(m => m.ToMember()).ToList()));

    public async Task<Reply<Member>> AddMember(string callerId, Member member)
    {
        if (Check(callerId, ProjectAction.AddMember) is { } denied)
        {
            return denied.As<Member>();
        }

        if (member.Role == ProjectRole.Owner)
        {
            return Reply<Member>.Fail(Outcome.Invalid, "a member's role is editor or viewer");
        }

        if (state.State.Members.Any(m => m.UserId == member.UserId))
        {
            return Reply<Member>.Fail(Outcome.Conflict, "this user is already a member");
        }

        if (state.State.Members.Count >= ProjectLimits.MembersMax)
        {
            return Reply<Member>.Limit($"a project has at most {ProjectLimits.MembersMax} members");
        }

        // The user's list of projects is a superset of their memberships (the project is the authority),
        // so it is extended first: a failure after this leaves a harmless extra entry, never a hidden membership.
        var joined = await GrainFactory.Of<IUserGrain>(member.UserId).JoinProject(Id);
        if (!joined.IsOk)
        {
            return joined.As<Member>();
        }

        var now = timeProvider.GetUtcNow();
        state.State.Members.Add(new MemberState
        {
            UserId = member.UserId,
            Name = member.Name,
            Email = member.Email,
            Role = member.Role,
            AddedAt = now,
            AddedBy = callerId,
        });
        Touch(callerId);
        await state.WriteOrDeactivateAsync(this);
        Publish(ProjectEventTypes.MemberAdded, callerId, member);
        await ContextChangedAsync();
        return Reply<Member>.Ok(member);
    }

    public async Task<Reply<bool>> RemoveMember(string callerId, string userId)
    {
        var leaving = userId == callerId;
        if (Check(callerId, leaving ? ProjectAction.LeaveProject : ProjectAction.RemoveMember) is { } denied)
        {
            return denied;
        }

        var member = state.State.Members.Find(m => m.UserId == userId);
        if (member is null)
        {
            return NotFound<bool>("no such member");
        }

        if (member.Role == ProjectRole.Owner)
        {
            return Reply<bool>.Fail(Outcome.Conflict, leaving
                ? "the owner cannot leave the project; delete it instead"
                : "the owner cannot be removed");
        }

        state.State.Members.Remove(member);
        Touch(callerId);
        await state.WriteOrDeactivateAsync(this);
        // Every host sends this to the group, the removed member's connections included, then drops them from it.
        Publish(ProjectEventTypes.MemberRemoved, callerId, new MemberRemoved(userId));
        await ContextChangedAsync();
        await GrainFactory.Of<IUserGrain>(userId).LeaveProject(Id);
        // Every reader already shows their tasks without them (the board, the task grains and "my tasks" read through
        // the context); storage follows, one write per task.
        await RepairAsync(board => board.Unassign(userId), callerId);
        return Reply<bool>.Ok(true);
    }
}
