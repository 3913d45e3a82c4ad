"""Background work of the preliminary review: a province-size call takes minutes to compare."""

from django_tasks import task

from apps.core.context import acting_as, actor_for_user


@task()
def screening_run_task(*, call_id: int, user_id: int | None = None) -> int:
    from apps.accounts.models import User
    from apps.calls.models import AnnualCall

    from .services import screening_run

    user = User.unscoped.filter(pk=user_id).first() if user_id else None
    call = AnnualCall.unscoped.get(pk=call_id)
    with acting_as(actor_for_user(user, via="task")):
        return screening_run(call=call, user=user)
