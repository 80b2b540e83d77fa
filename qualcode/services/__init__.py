"""The project's services, one subject each, with their dependencies declared in their
constructors; `Project` composes them. Plain Python: SQL is the store's, screens the faces'.

    settings      SettingsService(store)
    documents     DocumentService(store)
    participants  ParticipantService(store)
    codebook      CodebookService(store, settings)
    coding        CodingService(store, documents, codebook)
    team          TeamService(store, documents, codebook, coding, settings)
    reports       ReportService(store, documents, participants, codebook, coding, team, settings)
    exchange      ExchangeService(store)
    queries       QueryService(store, settings)
"""
