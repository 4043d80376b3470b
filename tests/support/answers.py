"""What a participant types into the registration form: one set of answers for every test and benchmark."""

# A participant from a ministry in Belgrade, as the browser posts the form.
REGISTRATION_ANSWERS = {
    "honorific": "H.E.",
    "first_name": "Ђорђе",
    "last_name": "Đoković-Čačić",
    "email": "djordje@mup.example.rs",
    "job_title": "Senior Adviser",
    "organisation": "Ministarstvo unutrašnjih poslova",
    "category": "member_state",
    "country": "RS",
    "imrf_attendance_level": "minister",
    "gender": "man",
    # Answering the gender question needs its own consent (issue 10, point 11).
    "diversity_consent": "on",
    "privacy_consent": "on",
}
