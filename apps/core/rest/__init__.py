"""The API's shared machinery, named in settings.REST_FRAMEWORK: the error shape (`errors`),
the filters every list has (`filters`), pagination, per-client throttling and the schema's
conventions (`schema`). Kept apart from `apps.core.api` (viewset bases), which imports DRF's
views: the settings load these modules while DRF's views are being defined."""
