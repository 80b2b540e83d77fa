"""The project's services, one subject each, with their dependencies declared in their
constructors; `Project` composes them. Plain Python: SQL is the store's, screens the faces'.

    settings      SettingsService(store)
    documents     DocumentService(store)
    participants  ParticipantService(store)
    redaction     RedactionService(store, participants)      the one way an export is written
    codebook      CodebookService(store, settings, redaction)
    coding        CodingService(store, documents, codebook)
    team          TeamService(store, documents, codebook, coding, settings)
    reports       ReportService(store, documents, participants, codebook, coding, team, settings, redaction)
    exchange      ExchangeService(store, redaction, settings)
    queries       QueryService(store, settings, redaction)
"""
