from .models import Jurisdiction


def jurisdiction_subtree(*, root: Jurisdiction):
    return Jurisdiction.objects.filter(path__startswith=root.path)


def jurisdictions_visible_to(*, scope):
    if scope.sees_everything:
        return Jurisdiction.objects.all()
    if scope.region_path:
        return Jurisdiction.objects.filter(path__startswith=scope.region_path)
    return Jurisdiction.objects.none()
