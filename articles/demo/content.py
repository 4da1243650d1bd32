"""Original demo content for Vetted: three fictional medical reviewers, the real
publishers and reference pages the articles cite, one series ("Breast cancer
treatment by stage") and ten plain-English patient articles written for this
project (five in the series, three standalone published articles, one draft and
one scheduled for the future). The reviewers are invented people; the sources
and reference titles point at real publishers' public pages, but the article
text is original and is demo material only, not medical advice. The module holds
data constants only and is read by ``manage.py load_demo``.
"""

REVIEWERS = [
    {
        "slug": "lucia-moreno",
        "name": "Dr. Lucia Moreno",
        "credentials": "MD, FACS",
        "specialty": "Breast surgical oncology",
        "bio": (
            "Dr. Lucia Moreno is a breast surgeon who cares for people with early and locally advanced "
            "breast cancer. She has a special interest in breast-conserving surgery and in helping patients "
            "weigh their surgical choices. She reviews Vetted's articles on diagnosis and surgery."
        ),
    },
    {
        "slug": "david-okafor",
        "name": "Dr. David Okafor",
        "credentials": "MD, PhD",
        "specialty": "Medical oncology",
        "bio": (
            "Dr. David Okafor is a medical oncologist who treats breast cancer with chemotherapy, hormone "
            "therapy and targeted drugs. His research background is in clinical trials for metastatic "
            "breast cancer. He reviews Vetted's articles on drug treatment and living with advanced cancer."
        ),
    },
    {
        "slug": "priya-raman",
        "name": "Dr. Priya Raman",
        "credentials": "MD",
        "specialty": "Radiation oncology",
        "bio": (
            "Dr. Priya Raman is a radiation oncologist who treats breast and chest cancers. She works closely "
            "with rehabilitation and lymphedema therapists on the long-term effects of treatment. She reviews "
            "Vetted's articles on radiation therapy, side effects and survivorship."
        ),
    },
]

SOURCES = [
    {"name": "American Cancer Society", "website": "https://www.cancer.org/"},
    {"name": "National Cancer Institute", "website": "https://www.cancer.gov/"},
    {"name": "Centers for Disease Control and Prevention", "website": "https://www.cdc.gov/"},
    {"name": "Mayo Clinic", "website": "https://www.mayoclinic.org/"},
    {"name": "Breastcancer.org", "website": "https://www.breastcancer.org/"},
    {"name": "NHS", "website": "https://www.nhs.uk/"},
    {"name": "Cancer Research UK", "website": "https://www.cancerresearchuk.org/"},
    {"name": "MedlinePlus", "website": "https://medlineplus.gov/"},
    {"name": "CA: A Cancer Journal for Clinicians", "website": "https://acsjournals.onlinelibrary.wiley.com/journal/15424863"},
]

REFERENCES = [
    {
        "key": "nci-breast-pdq",
        "source": "National Cancer Institute",
        "title": "Breast Cancer Treatment (PDQ) – Patient Version",
        "more_titles": [],
        "url": "https://www.cancer.gov/types/breast/patient/breast-treatment-pdq",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "acs-stages-1-3",
        "source": "American Cancer Society",
        "title": "Treatment of Breast Cancer Stages I-III",
        "more_titles": ["Radiation for Breast Cancer"],
        "url": "https://www.cancer.org/cancer/types/breast-cancer/treatment/treatment-of-breast-cancer-by-stage/treatment-of-breast-cancer-stages-i-iii.html",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "acs-dcis",
        "source": "American Cancer Society",
        "title": "Treatment of Ductal Carcinoma in Situ (DCIS)",
        "more_titles": [],
        "url": "https://www.cancer.org/cancer/types/breast-cancer/treatment/treatment-of-breast-cancer-by-stage/treatment-of-ductal-carcinoma-in-situ-dcis.html",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "acs-stage-4",
        "source": "American Cancer Society",
        "title": "Treatment of Stage IV (Metastatic) Breast Cancer",
        "more_titles": [],
        "url": "https://www.cancer.org/cancer/types/breast-cancer/treatment/treatment-of-breast-cancer-by-stage/treatment-of-stage-iv-advanced-breast-cancer.html",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "acs-hormone-therapy",
        "source": "American Cancer Society",
        "title": "Hormone Therapy for Breast Cancer",
        "more_titles": [],
        "url": "https://www.cancer.org/cancer/types/breast-cancer/treatment/hormone-therapy-for-breast-cancer.html",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "acs-chemo",
        "source": "American Cancer Society",
        "title": "Chemotherapy for Breast Cancer",
        "more_titles": ["Targeted Drug Therapy for Breast Cancer", "Immunotherapy for Breast Cancer"],
        "url": "https://www.cancer.org/cancer/types/breast-cancer/treatment/chemotherapy-for-breast-cancer.html",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "acs-survival",
        "source": "American Cancer Society",
        "title": "Survival Rates for Breast Cancer",
        "more_titles": [],
        "url": "https://www.cancer.org/cancer/types/breast-cancer/understanding-a-breast-cancer-diagnosis/breast-cancer-survival-rates.html",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "acs-questions",
        "source": "American Cancer Society",
        "title": "Questions to Ask About Breast Cancer",
        "more_titles": [],
        "url": "https://www.cancer.org/cancer/types/breast-cancer/understanding-a-breast-cancer-diagnosis/questions-to-ask-about-breast-cancer.html",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "nci-fatigue",
        "source": "National Cancer Institute",
        "title": "Fatigue and Cancer Treatment",
        "more_titles": [],
        "url": "https://www.cancer.gov/about-cancer/treatment/side-effects/fatigue",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "nci-lymphedema-pdq",
        "source": "National Cancer Institute",
        "title": "Lymphedema (PDQ) – Patient Version",
        "more_titles": [],
        "url": "https://www.cancer.gov/about-cancer/treatment/side-effects/lymphedema/lymphedema-pdq",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "nci-brca",
        "source": "National Cancer Institute",
        "title": "BRCA Gene Changes: Cancer Risk and Genetic Testing",
        "more_titles": [],
        "url": "https://www.cancer.gov/about-cancer/causes-prevention/genetics/brca-fact-sheet",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "nci-questions",
        "source": "National Cancer Institute",
        "title": "Questions to Ask Your Doctor about Treatment",
        "more_titles": [],
        "url": "https://www.cancer.gov/about-cancer/treatment/questions",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "cdc-symptoms",
        "source": "Centers for Disease Control and Prevention",
        "title": "Breast Cancer Symptoms",
        "more_titles": [],
        "url": "https://www.cdc.gov/breast-cancer/symptoms/index.html",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "cdc-hboc",
        "source": "Centers for Disease Control and Prevention",
        "title": "Hereditary Breast and Ovarian Cancer",
        "more_titles": [],
        "url": "",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "mayo-breast",
        "source": "Mayo Clinic",
        "title": "Breast cancer: Symptoms and causes",
        "more_titles": [],
        "url": "https://www.mayoclinic.org/diseases-conditions/breast-cancer/symptoms-causes/syc-20352470",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "mayo-lymphedema",
        "source": "Mayo Clinic",
        "title": "Lymphedema: Symptoms and causes",
        "more_titles": ["Lymphedema: Diagnosis and treatment"],
        "url": "https://www.mayoclinic.org/diseases-conditions/lymphedema/symptoms-causes/syc-20374682",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "mayo-fatigue",
        "source": "Mayo Clinic",
        "title": "Cancer fatigue: Why it occurs and how to cope",
        "more_titles": [],
        "url": "https://www.mayoclinic.org/diseases-conditions/cancer/in-depth/cancer-fatigue/art-20047709",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "bco-recurrence",
        "source": "Breastcancer.org",
        "title": "Breast Cancer Recurrence",
        "more_titles": [],
        "url": "https://www.breastcancer.org/recurrence",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "bco-metastatic",
        "source": "Breastcancer.org",
        "title": "Metastatic Breast Cancer",
        "more_titles": [],
        "url": "https://www.breastcancer.org/types/metastatic-breast-cancer",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "nhs-lymphoedema",
        "source": "NHS",
        "title": "Lymphoedema",
        "more_titles": [],
        "url": "https://www.nhs.uk/conditions/lymphoedema/",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "nhs-breast-treatment",
        "source": "NHS",
        "title": "Breast cancer in women: Treatment",
        "more_titles": [],
        "url": "https://www.nhs.uk/conditions/breast-cancer/treatment/",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "cruk-survival",
        "source": "Cancer Research UK",
        "title": "Survival for breast cancer",
        "more_titles": [],
        "url": "https://www.cancerresearchuk.org/about-cancer/breast-cancer/survival",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "cruk-fatigue",
        "source": "Cancer Research UK",
        "title": "Tiredness (fatigue) and cancer",
        "more_titles": [],
        "url": "",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "medlineplus-brca",
        "source": "MedlinePlus",
        "title": "BRCA1 gene",
        "more_titles": ["BRCA2 gene"],
        "url": "https://medlineplus.gov/genetics/gene/brca1/",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "surgery-basics",
        "source": None,
        "title": "Lumpectomy",
        "more_titles": ["Mastectomy"],
        "url": "",
        "doi": "",
        "pmid": "",
    },
    {
        "key": "siegel-2022",
        "source": "CA: A Cancer Journal for Clinicians",
        "title": "Cancer statistics, 2022",
        "more_titles": [],
        "url": "",
        "doi": "10.3322/caac.21708",
        "pmid": "35020204",
    },
    {
        "key": "giaquinto-2022",
        "source": "CA: A Cancer Journal for Clinicians",
        "title": "Breast cancer statistics, 2022",
        "more_titles": [],
        "url": "",
        "doi": "10.3322/caac.21754",
        "pmid": "",
    },
]

SERIES = [
    {
        "slug": "breast-cancer-treatment-by-stage",
        "title": "Breast cancer treatment by stage",
        "description": (
            "How breast cancer is usually treated at each stage, from stage 0 (DCIS) to stage 4 "
            "(metastatic) breast cancer. Read the stage that applies to you, or follow the series in order."
        ),
    },
]

ARTICLES = [
    # ------------------------------------------------------------------ Stage 0
    {
        "slug": "stage-0-breast-cancer-treatment-options",
        "title": "Stage 0 Breast Cancer Treatment Options",
        "summary": (
            "Stage 0 breast cancer, or DCIS, has not spread beyond the milk ducts. Learn how surgery, "
            "radiation therapy and hormone therapy are used to treat it and to lower the chance of cancer "
            "coming back."
        ),
        "body": (
            "<p>Stage 0 breast cancer is also called ductal carcinoma in situ, or DCIS. <em>In situ</em> "
            "means in its original place. The abnormal cells are found only inside the lining of the milk "
            "ducts and have not grown into the breast tissue around them [1]. Because of this, DCIS is called "
            "non-invasive. In this form it cannot spread to the lymph nodes or other parts of the body, but "
            "without treatment some cases may grow into an invasive cancer over time [2].</p>"
            "<p>The outlook for people with DCIS is excellent. The main goals of treatment are to remove the "
            "abnormal cells and to lower the chance of a new cancer developing in the breast later on [2].</p>"
            "<h2>Surgery</h2>"
            "<p>Most people with DCIS have surgery. There are two main types [4][5]:</p>"
            "<ul>"
            "<li><strong>Breast-conserving surgery</strong> (lumpectomy). The surgeon removes the area of DCIS "
            "along with a small rim of normal tissue around it, called the margin. Most of the breast is "
            "kept.</li>"
            "<li><strong>Mastectomy.</strong> The whole breast is removed. This may be suggested if the DCIS "
            "covers a large area, if there are several separate areas of DCIS, or if clear margins cannot be "
            "reached with a lumpectomy [2]. Breast reconstruction can often be done at the same time or "
            "later.</li>"
            "</ul>"
            "<p>Because DCIS does not spread to lymph nodes, lymph node surgery is usually not needed with a "
            "lumpectomy. With a mastectomy, the surgeon may remove one or a few lymph nodes in a sentinel "
            "lymph node biopsy. This is because the test is hard to do afterward if a small area of invasive "
            "cancer turns up in the removed breast [2][4].</p>"
            "<h2>Radiation therapy</h2>"
            "<p>After a lumpectomy, most people are offered radiation therapy to the breast. Radiation lowers "
            "the risk of DCIS or invasive cancer coming back in the same breast [1]. Some people with small, "
            "low-grade DCIS that was removed with wide margins may choose to skip radiation after talking "
            "through the risks and benefits with their doctor [2]. Radiation is not usually needed after a "
            "mastectomy for DCIS [5].</p>"
            "<h2>Hormone therapy</h2>"
            "<p>Many cases of DCIS are hormone receptor-positive. This means the cells use the hormone "
            "estrogen to grow. For these, your doctor may suggest a hormone therapy pill, such as tamoxifen "
            "or, after menopause, an aromatase inhibitor, usually for about five years [3]. These medicines "
            "can lower the risk of a new cancer in either breast. They can also cause side effects, such as "
            "hot flashes, so it is worth weighing the benefit for your own situation [3].</p>"
            "<p>Chemotherapy is not used to treat DCIS [1].</p>"
            "<h2>Active monitoring</h2>"
            "<p>Doctors are studying whether some people with low-risk DCIS can safely be watched with "
            "regular mammograms instead of having surgery right away. This is called active monitoring. For "
            "now, it is mainly offered as part of a clinical trial [2].</p>"
            "<h2>After treatment</h2>"
            "<p>After treatment, you will have regular checkups and mammograms. Between visits, let your care "
            "team know about any new lump or other change in either breast [1].</p>"
            "<blockquote><p>Stage 0 is very treatable. There is usually time to learn about your options, get "
            "a second opinion if you want one, and make a choice that feels right for you.</p></blockquote>"
        ),
        "status": "published",
        "publish_days_ago": 400,
        "author": "editor",
        "reviews": [
            {
                "reviewer": "lucia-moreno",
                "reviewed_on": "2025-10-16",
                "notes": "Full review before publication. Clarified when a sentinel lymph node biopsy is done with mastectomy.",
            },
            {
                "reviewer": "david-okafor",
                "reviewed_on": "2026-09-22",
                "notes": "Checked the hormone therapy section against current guidance; no change needed.",
            },
        ],
        "referenced_on": "2026-09-18",
        "tags": ["breast cancer", "treatment", "surgery", "radiation therapy", "hormone therapy"],
        "series": {"slug": "breast-cancer-treatment-by-stage", "position": 0, "label": "Stage 0"},
        "citations": ["nci-breast-pdq", "acs-dcis", "acs-hormone-therapy", "surgery-basics", "nhs-breast-treatment"],
        "related": ["stage-1-breast-cancer-treatment-options", "symptoms-of-breast-cancer-recurrence-and-outlook"],
        "funding": "",
    },
    # ------------------------------------------------------------------ Stage 1
    {
        "slug": "stage-1-breast-cancer-treatment-options",
        "title": "Stage 1 Breast Cancer Treatment Options",
        "summary": (
            "Stage 1 breast cancer is small and has spread little or not at all to the lymph nodes. Learn "
            "about surgery, radiation therapy and the medicines that may be added to lower the chance of it "
            "coming back."
        ),
        "body": (
            "<p>Stage 1 breast cancer is an early, invasive cancer. In most cases the tumor is no larger than "
            "2 centimeters (about three-quarters of an inch) across. It has either not spread to the lymph "
            "nodes or has spread only as tiny clusters of cells [1]. Stage 1 breast cancer is very "
            "treatable, and the outlook is very good [1].</p>"
            "<p>Your exact treatment depends on the size of the tumor and on features of the cancer cells. "
            "The most important are whether the cells have hormone receptors and whether they make too much "
            "of a protein called HER2. Your care team will use these results to build a plan with you [2].</p>"
            "<h2>Surgery</h2>"
            "<p>Surgery is usually the first treatment. The main options are [5]:</p>"
            "<ul>"
            "<li><strong>Breast-conserving surgery</strong> (lumpectomy), which removes the tumor and a margin "
            "of normal tissue around it.</li>"
            "<li><strong>Mastectomy</strong>, which removes the whole breast, with or without "
            "reconstruction.</li>"
            "</ul>"
            "<p>For most people with stage 1 cancer, breast-conserving surgery followed by radiation works as "
            "well as mastectomy for long-term survival [1]. The surgeon will also check the lymph nodes under "
            "the arm, usually with a sentinel lymph node biopsy. This removes only the first few nodes that "
            "the cancer would drain to [2].</p>"
            "<h2>Radiation therapy</h2>"
            "<p>Radiation therapy to the breast is usually given after breast-conserving surgery. It lowers "
            "the chance of the cancer coming back in the breast [2]. Some people aged 70 or older with a small, "
            "hormone receptor-positive tumor and no cancer in the lymph nodes may choose to skip radiation if "
            "they take hormone therapy [2]. Radiation is not usually needed after a mastectomy for stage 1 "
            "cancer.</p>"
            "<h2>Treatment with medicines</h2>"
            "<p>Medicines that travel through the whole body are called systemic therapy. Whether you need "
            "them depends on the type of cancer:</p>"
            "<ul>"
            "<li><strong>Hormone receptor-positive cancer.</strong> Hormone therapy, such as tamoxifen or an "
            "aromatase inhibitor, is usually taken for at least five years [3]. For some people, a test of the "
            "tumor's genes, such as the Oncotype DX test, can show whether chemotherapy is likely to add any "
            "benefit [4].</li>"
            "<li><strong>HER2-positive cancer.</strong> Even small HER2-positive tumors are often treated with "
            "chemotherapy plus trastuzumab, a targeted drug that attacks the HER2 protein [4].</li>"
            "<li><strong>Triple-negative cancer.</strong> These cancers have no hormone receptors and no extra "
            "HER2. Chemotherapy is often recommended unless the tumor is very small [4].</li>"
            "</ul>"
            "<h2>Follow-up care</h2>"
            "<p>After treatment, you will have regular checkups and a mammogram every year. If you take "
            "hormone therapy, tell your care team about side effects such as joint pain or hot flashes. There "
            "are often ways to ease them, and taking the full course matters [3].</p>"
        ),
        "status": "published",
        "publish_days_ago": 380,
        "author": "editor",
        "reviews": [
            {
                "reviewer": "lucia-moreno",
                "reviewed_on": "2025-11-05",
                "notes": "Full review before publication. Added the option to omit radiation for some people aged 70 or older.",
            },
        ],
        "referenced_on": "2025-11-03",
        "tags": ["breast cancer", "treatment", "surgery", "radiation therapy", "chemotherapy"],
        "series": {"slug": "breast-cancer-treatment-by-stage", "position": 1, "label": "Stage 1"},
        "citations": ["nci-breast-pdq", "acs-stages-1-3", "acs-hormone-therapy", "acs-chemo", "surgery-basics"],
        "related": [
            "stage-0-breast-cancer-treatment-options",
            "stage-2-breast-cancer-treatment-options",
            "understanding-lymphedema-after-breast-cancer-treatment",
        ],
        "funding": "",
    },
    # ------------------------------------------------------------------ Stage 2
    {
        "slug": "stage-2-breast-cancer-treatment-options",
        "title": "Stage 2 Breast Cancer Treatment Options",
        "summary": (
            "Stage 2 breast cancer is larger or has reached a few nearby lymph nodes, but has not spread to "
            "distant organs. Learn how surgery, radiation and medicines are combined, and why some people "
            "start with medicine before surgery."
        ),
        "body": (
            "<p>Stage 2 breast cancer is an invasive cancer that is still found only in the breast and nearby "
            "lymph nodes. It has not spread to distant parts of the body. A cancer is usually stage 2 when the "
            "tumor is between 2 and 5 centimeters across, or when it is smaller but has spread to a few lymph "
            "nodes under the arm. A tumor larger than 5 centimeters with no lymph node spread can also be "
            "stage 2 [2].</p>"
            "<p>Treatment usually combines surgery with medicines, and often radiation therapy. The order and "
            "mix depend on the size of the tumor, the lymph nodes, and the features of the cancer cells "
            "[1].</p>"
            "<h2>Treatment before surgery</h2>"
            "<p>Many people with stage 2 cancer are offered medicine before surgery. This is called "
            "neoadjuvant therapy. It can shrink the tumor so that breast-conserving surgery becomes possible, "
            "and it shows the care team how well the cancer responds [1][3].</p>"
            "<p>Neoadjuvant treatment is especially common for HER2-positive and triple-negative cancers "
            "[3]:</p>"
            "<ul>"
            "<li>For <strong>HER2-positive</strong> cancer, chemotherapy is combined with HER2-targeted drugs "
            "such as trastuzumab and pertuzumab.</li>"
            "<li>For higher-risk <strong>triple-negative</strong> cancer, the immunotherapy drug pembrolizumab "
            "may be given with chemotherapy before surgery and continued afterward.</li>"
            "</ul>"
            "<p>If some cancer is still found at surgery, your doctor may suggest a different drug afterward to "
            "lower the chance of it coming back [3].</p>"
            "<h2>Surgery</h2>"
            "<p>The choice is between breast-conserving surgery and mastectomy. For many people, both lead to "
            "the same long-term survival when breast-conserving surgery is followed by radiation [1][5]. The "
            "lymph nodes under the arm are checked with a sentinel lymph node biopsy. Sometimes more nodes are "
            "removed in an axillary lymph node dissection [2]. Removing more nodes raises the risk of "
            "lymphedema, a long-lasting swelling of the arm.</p>"
            "<h2>Radiation therapy</h2>"
            "<p>Radiation is usually given after breast-conserving surgery. After a mastectomy, it may be "
            "recommended if the cancer had spread to lymph nodes or the tumor was large [2][5].</p>"
            "<h2>Treatment after surgery</h2>"
            "<ul>"
            "<li><strong>Hormone therapy</strong> is recommended for hormone receptor-positive cancer, usually "
            "for five to ten years [4].</li>"
            "<li>Some people with hormone receptor-positive cancer and a higher risk of it coming back may also "
            "take a targeted drug called a CDK4/6 inhibitor, such as abemaciclib or ribociclib, along with "
            "hormone therapy [4].</li>"
            "<li><strong>Chemotherapy</strong> after surgery may be advised if it was not given before, "
            "depending on the features of the tumor [3].</li>"
            "<li>People with an inherited BRCA gene change and a high-risk, HER2-negative cancer may be offered "
            "a drug called olaparib [3].</li>"
            "</ul>"
            "<h2>Looking ahead</h2>"
            "<p>Many people with stage 2 breast cancer are treated successfully and go on to live long lives. "
            "It is normal to feel overwhelmed by the number of steps. Ask your care team to map out the plan "
            "and timeline with you, and to explain the purpose of each treatment [1].</p>"
        ),
        "status": "published",
        "publish_days_ago": 360,
        "author": "editor",
        "reviews": [
            {
                "reviewer": "david-okafor",
                "reviewed_on": "2025-11-24",
                "notes": "Full review before publication. Updated the neoadjuvant section for HER2-positive and triple-negative cancers.",
            },
            {
                "reviewer": "lucia-moreno",
                "reviewed_on": "2026-08-18",
                "notes": "Reviewed the surgery and lymph node sections; wording on axillary dissection tightened.",
            },
        ],
        "referenced_on": "2026-08-14",
        "tags": ["breast cancer", "treatment", "chemotherapy", "targeted therapy", "surgery"],
        "series": {"slug": "breast-cancer-treatment-by-stage", "position": 2, "label": "Stage 2"},
        "citations": ["nci-breast-pdq", "acs-stages-1-3", "acs-chemo", "acs-hormone-therapy", "nhs-breast-treatment"],
        "related": [
            "stage-1-breast-cancer-treatment-options",
            "stage-3-breast-cancer-treatment-options",
            "understanding-lymphedema-after-breast-cancer-treatment",
        ],
        "funding": "",
    },
    # ------------------------------------------------------------------ Stage 3
    {
        "slug": "stage-3-breast-cancer-treatment-options",
        "title": "Stage 3 Breast Cancer Treatment Options",
        "summary": (
            "Stage 3 breast cancer has spread to several lymph nodes or into the skin or chest wall, but not "
            "to distant organs. Learn why treatment usually starts with medicine, followed by surgery and "
            "radiation therapy."
        ),
        "body": (
            "<p>Stage 3 breast cancer is also called locally advanced breast cancer. It has not spread to "
            "distant organs, but it has grown larger or spread further within the breast area. It may involve "
            "many lymph nodes under the arm or near the collarbone or breastbone, or it may have grown into the "
            "skin of the breast or the chest wall [2]. Inflammatory breast cancer, a rare type that makes the "
            "breast red, swollen and warm, is at least stage 3 when it is found [1].</p>"
            "<p>Stage 3 cancer is treated with the aim of cure. Treatment usually has several parts and can "
            "take a year or more from start to finish [1].</p>"
            "<h2>Starting with medicine</h2>"
            "<p>Most people with stage 3 cancer start with systemic therapy, meaning medicine that reaches the "
            "whole body. This is called neoadjuvant therapy. It can shrink the tumor and treat cancer cells "
            "that may have traveled beyond the breast [3]. The medicines depend on the cancer's features "
            "[3]:</p>"
            "<ul>"
            "<li>Chemotherapy is used for most stage 3 cancers.</li>"
            "<li>HER2-positive cancers are also treated with HER2-targeted drugs, such as trastuzumab and "
            "pertuzumab.</li>"
            "<li>Triple-negative cancers may be treated with chemotherapy plus the immunotherapy drug "
            "pembrolizumab.</li>"
            "<li>Some hormone receptor-positive cancers may be treated with hormone therapy first, especially "
            "in older people.</li>"
            "</ul>"
            "<h2>Surgery</h2>"
            "<p>After neoadjuvant therapy, the next step is surgery. If the tumor has shrunk enough, "
            "breast-conserving surgery may be possible. Otherwise, a mastectomy is done [4]. For inflammatory "
            "breast cancer, a mastectomy that also removes the lymph nodes under the arm is the standard "
            "approach, and breast reconstruction is usually delayed [2].</p>"
            "<p>Many people with stage 3 cancer have an axillary lymph node dissection, which removes more of "
            "the lymph nodes under the arm. When the nodes respond well to treatment, fewer nodes may need to "
            "be removed in some cases [1].</p>"
            "<h2>Radiation therapy</h2>"
            "<p>Radiation is almost always given after surgery for stage 3 cancer, whether you had a "
            "lumpectomy or a mastectomy. It usually treats the breast or chest wall and the nearby lymph node "
            "areas [2].</p>"
            "<h2>Treatment after surgery</h2>"
            "<p>Further treatment depends on the type of cancer and on how much cancer was left at surgery. It "
            "may include hormone therapy for five to ten years, more HER2-targeted treatment, or other drugs "
            "to lower the chance of the cancer coming back [3].</p>"
            "<h2>Outlook</h2>"
            "<p>Stage 3 cancer is serious, but many people are treated successfully. Survival figures are not "
            "usually reported by stage number. In the United States, about 86 out of 100 people whose breast "
            "cancer had spread to nearby lymph nodes or tissues, which includes most stage 3 cancers, are alive "
            "five years after diagnosis, compared with people who do not have cancer [5]. These numbers come "
            "from people treated years ago and cannot predict what will happen to any one person.</p>"
        ),
        "status": "published",
        "publish_days_ago": 340,
        "author": "editor",
        "reviews": [
            {
                "reviewer": "priya-raman",
                "reviewed_on": "2025-12-12",
                "notes": "Full review before publication. Confirmed the radiation section and the inflammatory breast cancer wording.",
            },
        ],
        "referenced_on": "2025-12-10",
        "tags": ["breast cancer", "treatment", "chemotherapy", "radiation therapy", "surgery"],
        "series": {"slug": "breast-cancer-treatment-by-stage", "position": 3, "label": "Stage 3"},
        "citations": ["nci-breast-pdq", "acs-stages-1-3", "acs-chemo", "surgery-basics", "giaquinto-2022"],
        "related": [
            "stage-2-breast-cancer-treatment-options",
            "stage-4-breast-cancer-treatment-options",
            "understanding-lymphedema-after-breast-cancer-treatment",
        ],
        "funding": "",
    },
    # ------------------------------------------------------------------ Stage 4
    {
        "slug": "stage-4-breast-cancer-treatment-options",
        "title": "Stage 4 Breast Cancer Treatment Options",
        "summary": (
            "Stage 4 breast cancer has spread to other parts of the body. It is usually not curable, but many "
            "people live for years with treatment. Learn how hormone therapy, targeted drugs, chemotherapy "
            "and supportive care are used."
        ),
        "body": (
            "<p>Stage 4 breast cancer, also called metastatic breast cancer, has spread from the breast to "
            "other parts of the body. The most common places are the bones, lungs, liver and brain [2]. Some "
            "people have stage 4 cancer when they are first diagnosed. More often, it appears months or years "
            "after treatment for an earlier-stage cancer.</p>"
            "<p>Stage 4 breast cancer is usually not curable. But treatment keeps improving, and many people "
            "live for years with the cancer under control [1][2]. The goals of treatment are to slow the "
            "cancer, ease symptoms, and help you live as well and as long as possible.</p>"
            "<h2>Testing the cancer</h2>"
            "<p>If cancer is found in a new place, your doctor will often do a biopsy. This confirms that it is "
            "breast cancer and tests it again for hormone receptors and HER2, which can change over time. The "
            "results guide treatment [1]. Tests may also look for gene changes in the tumor, or for inherited "
            "changes such as in BRCA1 or BRCA2, that some drugs target [3].</p>"
            "<h2>Treatment by type</h2>"
            "<ul>"
            "<li><strong>Hormone receptor-positive, HER2-negative.</strong> Hormone therapy is usually the main "
            "treatment, often combined with a targeted drug called a CDK4/6 inhibitor, such as palbociclib, "
            "ribociclib or abemaciclib [4]. Other targeted drugs may be added later if the cancer grows.</li>"
            "<li><strong>HER2-positive.</strong> Treatment usually combines chemotherapy with HER2-targeted "
            "drugs such as trastuzumab and pertuzumab. Other HER2 drugs, such as trastuzumab deruxtecan, can be "
            "used later [1].</li>"
            "<li><strong>Triple-negative.</strong> Chemotherapy is the main treatment. Immunotherapy may be "
            "added if the tumor tests positive for a protein called PD-L1. A drug called sacituzumab govitecan "
            "may be used after earlier treatments [1][3].</li>"
            "</ul>"
            "<p>Treatments are usually given one after another. When one stops working or causes too many side "
            "effects, your team will move on to another option [1].</p>"
            "<h2>Treating specific areas</h2>"
            "<p>Radiation therapy or, less often, surgery may be used to treat one area, such as a painful bone "
            "or a spot in the brain [1]. Bone-strengthening drugs, such as zoledronic acid or denosumab, can "
            "lower the risk of fractures and other problems when cancer has spread to the bones [1].</p>"
            "<h2>Supportive and palliative care</h2>"
            "<p>Palliative care focuses on comfort and quality of life. It can start at diagnosis and is given "
            "alongside cancer treatment, not instead of it [2]. A palliative care team can help with pain, "
            "tiredness, shortness of breath, and the emotional strain of living with advanced cancer.</p>"
            "<h2>Clinical trials and outlook</h2>"
            "<p>Clinical trials test new treatments and can be an option at any point. Ask your care team "
            "whether one might fit you [1].</p>"
            "<p>In the United States, about 3 in 10 people diagnosed with breast cancer that has already spread "
            "to distant organs are alive five years later, and some live much longer [5]. These figures come "
            "from people diagnosed years ago, before some newer drugs were available. They cannot tell you what "
            "will happen to you.</p>"
        ),
        "status": "published",
        "publish_days_ago": 320,
        "author": "editor",
        "reviews": [
            {
                "reviewer": "david-okafor",
                "reviewed_on": "2026-01-05",
                "notes": "Full review before publication.",
            },
            {
                "reviewer": "david-okafor",
                "reviewed_on": "2026-10-20",
                "notes": "Annual re-review. Treatment-by-type list checked against current guidance; no change needed.",
            },
        ],
        "referenced_on": "2026-10-15",
        "tags": ["breast cancer", "metastatic breast cancer", "treatment", "hormone therapy", "palliative care"],
        "series": {"slug": "breast-cancer-treatment-by-stage", "position": 4, "label": "Stage 4"},
        "citations": ["acs-stage-4", "bco-metastatic", "nci-breast-pdq", "acs-hormone-therapy", "acs-survival"],
        "related": [
            "stage-3-breast-cancer-treatment-options",
            "symptoms-of-breast-cancer-recurrence-and-outlook",
            "managing-fatigue-during-cancer-treatment",
        ],
        "funding": "",
    },
    # ------------------------------------------------------------------ Symptoms, recurrence, outlook
    {
        "slug": "symptoms-of-breast-cancer-recurrence-and-outlook",
        "title": "Symptoms of Breast Cancer, Recurrence and Outlook",
        "summary": (
            "Learn the common signs of breast cancer, how to recognize a possible recurrence after treatment, "
            "and what survival statistics can and cannot tell you."
        ),
        "body": (
            "<p>Apart from skin cancer, breast cancer is the most common cancer in women in the United States "
            "[6]. Many breast cancers are found on a screening mammogram before they cause any symptoms. "
            "Knowing the possible signs helps you notice changes early and get them checked [1].</p>"
            "<h2>Common symptoms of breast cancer</h2>"
            "<p>Breast cancer can cause [1][2]:</p>"
            "<ul>"
            "<li>A new lump or thickened area in the breast or under the arm</li>"
            "<li>Swelling of all or part of the breast</li>"
            "<li>Dimpling or puckering of the skin</li>"
            "<li>Redness, scaling or thickening of the skin of the breast or nipple</li>"
            "<li>A nipple that turns inward when it did not before</li>"
            "<li>Fluid from the nipple other than breast milk, especially if it is bloody</li>"
            "<li>A change in the size or shape of the breast</li>"
            "<li>Pain in any part of the breast that does not go away</li>"
            "</ul>"
            "<p>Most breast lumps and changes are not cancer. But any new or lasting change should be checked "
            "by a doctor, even if you recently had a normal mammogram [1]. Men can get breast cancer too, and "
            "the signs are similar [2].</p>"
            "<h2>What recurrence means</h2>"
            "<p>A recurrence is breast cancer that comes back after treatment. It can happen months or many "
            "years later [3]. There are three main kinds [3]:</p>"
            "<ul>"
            "<li><strong>Local recurrence</strong>: the cancer comes back in the same breast, or in the chest "
            "wall or skin after a mastectomy.</li>"
            "<li><strong>Regional recurrence</strong>: the cancer comes back in lymph nodes near the breast, "
            "such as under the arm or near the collarbone.</li>"
            "<li><strong>Distant recurrence</strong>: the cancer comes back in another part of the body, such "
            "as the bones, lungs, liver or brain. This is metastatic, or stage 4, breast cancer.</li>"
            "</ul>"
            "<p>A cancer in the other breast is usually treated as a new cancer, not a recurrence.</p>"
            "<h2>Signs of a possible recurrence</h2>"
            "<p>Between checkups, tell your care team about [3]:</p>"
            "<ul>"
            "<li>A new lump, swelling or skin change in the breast, chest wall, scar or armpit</li>"
            "<li>Bone pain that is new, lasts, or gets worse</li>"
            "<li>A cough or shortness of breath that does not go away</li>"
            "<li>Loss of appetite, weight loss you cannot explain, or pain under the ribs on the right "
            "side</li>"
            "<li>Frequent headaches, vision changes, or new weakness or numbness</li>"
            "</ul>"
            "<p>These symptoms are much more often caused by something other than cancer. Still, it is better "
            "to have them checked than to wait. If you have no symptoms, regular checkups and a yearly "
            "mammogram are usually the main follow-up tests, rather than routine scans [3].</p>"
            "<h2>Outlook</h2>"
            "<p>Most people diagnosed with breast cancer today will not die from it. In the United States, the "
            "five-year relative survival rate for all stages combined is about 90% [7]. Relative survival "
            "compares people with breast cancer with people of the same age who do not have cancer [4].</p>"
            "<p>Survival depends a lot on how far the cancer has spread when it is found [4][7]:</p>"
            "<ul>"
            "<li>Cancer found only in the breast: about 99%</li>"
            "<li>Cancer spread to nearby lymph nodes or tissue: about 86%</li>"
            "<li>Cancer spread to distant organs: about 30%</li>"
            "</ul>"
            "<p>In the United Kingdom, about three out of four women diagnosed with breast cancer survive for "
            "ten years or more [5]. Death rates from breast cancer have fallen by about 40% since 1989, thanks "
            "to earlier detection and better treatment [6][7].</p>"
            "<p>Statistics describe large groups of people treated in the past. They cannot tell you what will "
            "happen to you. Your own outlook depends on the type and stage of your cancer, how it responds to "
            "treatment, and your general health. Your care team is the best source of information about your "
            "situation [4].</p>"
        ),
        "status": "published",
        "publish_days_ago": 700,
        "author": "editor",
        "reviews": [
            {
                "reviewer": "lucia-moreno",
                "reviewed_on": "2024-12-16",
                "notes": "Full review before publication.",
            },
            {
                "reviewer": "priya-raman",
                "reviewed_on": "2025-12-08",
                "notes": "Annual re-review. Recurrence signs and follow-up wording checked; survival figures confirmed.",
            },
        ],
        "referenced_on": "2025-12-05",
        "tags": ["breast cancer", "symptoms", "diagnosis", "survivorship"],
        "series": None,
        "citations": [
            "cdc-symptoms",
            "mayo-breast",
            "bco-recurrence",
            "acs-survival",
            "cruk-survival",
            "siegel-2022",
            "giaquinto-2022",
        ],
        "related": ["stage-0-breast-cancer-treatment-options", "stage-4-breast-cancer-treatment-options"],
        "funding": "",
    },
    # ------------------------------------------------------------------ Lymphedema
    {
        "slug": "understanding-lymphedema-after-breast-cancer-treatment",
        "title": "Understanding Lymphedema After Breast Cancer Treatment",
        "summary": (
            "Lymphedema is swelling that can develop after breast cancer surgery or radiation to the lymph "
            "nodes. Learn the early signs, who is at risk, how it is treated, and steps that may lower your "
            "risk."
        ),
        "body": (
            "<p>Lymphedema is swelling caused by a buildup of lymph fluid in the body's tissues. After breast "
            "cancer treatment, it most often affects the arm and hand on the treated side, but it can also "
            "affect the breast, chest or back [1]. It can start within months of treatment or appear many "
            "years later [2].</p>"
            "<h2>Why it happens</h2>"
            "<p>The lymph system is a network of thin vessels and small glands called lymph nodes. It carries "
            "fluid from the tissues back into the bloodstream. When lymph nodes under the arm are removed or "
            "treated with radiation, fluid may not drain as well and can build up [1].</p>"
            "<p>The risk is higher when [1][4]:</p>"
            "<ul>"
            "<li>Many lymph nodes are removed in an axillary lymph node dissection, rather than a few in a "
            "sentinel lymph node biopsy</li>"
            "<li>Radiation therapy is given to the lymph nodes under the arm or near the collarbone</li>"
            "<li>You have obesity or gain weight after treatment</li>"
            "<li>You get an infection in the arm on the treated side</li>"
            "</ul>"
            "<p>Not everyone who has these treatments gets lymphedema. It has become less common as sentinel "
            "lymph node biopsy has replaced larger lymph node surgery for many people [5].</p>"
            "<h2>Signs to watch for</h2>"
            "<p>Early signs can be mild. Tell your care team if you notice [2][3]:</p>"
            "<ul>"
            "<li>Swelling of part or all of the arm, hand or fingers, or of the breast or chest</li>"
            "<li>A feeling of heaviness, tightness or fullness</li>"
            "<li>Rings, watches or sleeves that feel tighter than usual</li>"
            "<li>Aching, or less ability to bend the wrist, hand or elbow</li>"
            "<li>Skin that feels hard or thick</li>"
            "</ul>"
            "<p>Lymphedema is easier to manage when it is found early [1].</p>"
            "<h2>Treatment</h2>"
            "<p>Lymphedema usually cannot be cured, but it can be controlled. Treatment is often led by a "
            "specially trained lymphedema therapist and may include [1][3]:</p>"
            "<ul>"
            "<li><strong>Compression</strong> with special sleeves, gloves or bandages to move fluid out of the "
            "arm and stop it from building up again</li>"
            "<li><strong>Manual lymphatic drainage</strong>, a gentle type of massage that moves fluid toward "
            "lymph vessels that are working well</li>"
            "<li><strong>Exercise</strong> that gently works the muscles of the arm</li>"
            "<li><strong>Skin care</strong> to keep the skin clean and moisturized and to prevent "
            "infection</li>"
            "</ul>"
            "<p>For some people, surgery to create new pathways for lymph fluid, or to remove extra tissue, may "
            "be an option [2].</p>"
            "<h2>Lowering your risk</h2>"
            "<p>There is no sure way to prevent lymphedema, but these steps may help [1][3]:</p>"
            "<ul>"
            "<li>Stay at a healthy weight.</li>"
            "<li>Stay active. Studies have shown that strength training, built up slowly and with guidance, "
            "does not raise the risk of lymphedema.</li>"
            "<li>Protect the skin of the arm from cuts, burns, insect bites and sunburn, and clean any cuts "
            "promptly.</li>"
            "</ul>"
            "<h2>When to get help quickly</h2>"
            "<p>A skin infection called cellulitis can develop in an arm with lymphedema. Call your doctor "
            "right away if the arm becomes red, hot, more swollen or painful, or if you have a fever. This kind "
            "of infection usually needs prompt treatment with antibiotics [3].</p>"
        ),
        "status": "published",
        "publish_days_ago": 250,
        "author": "editor",
        "reviews": [
            {
                "reviewer": "priya-raman",
                "reviewed_on": "2026-03-12",
                "notes": "Full review before publication. Added the strength training evidence and cellulitis warning signs.",
            },
        ],
        "referenced_on": "2026-03-09",
        "tags": ["breast cancer", "lymphedema", "side effects", "survivorship"],
        "series": None,
        "citations": ["nci-lymphedema-pdq", "mayo-lymphedema", "nhs-lymphoedema", "surgery-basics", "nci-breast-pdq"],
        "related": [
            "stage-2-breast-cancer-treatment-options",
            "stage-3-breast-cancer-treatment-options",
            "managing-fatigue-during-cancer-treatment",
        ],
        "funding": "",
    },
    # ------------------------------------------------------------------ Fatigue
    {
        "slug": "managing-fatigue-during-cancer-treatment",
        "title": "Managing Fatigue During Cancer Treatment",
        "summary": (
            "Fatigue is one of the most common side effects of cancer treatment. Learn why it happens, how it "
            "differs from ordinary tiredness, and practical ways to manage it."
        ),
        "body": (
            "<p>Cancer-related fatigue is a lasting feeling of physical, emotional or mental exhaustion. It is "
            "one of the most common side effects of cancer and its treatment [1]. Unlike ordinary tiredness, it "
            "often does not get better with rest or sleep, and it can make everyday tasks feel hard [2].</p>"
            "<p>Fatigue can happen with chemotherapy, radiation therapy, hormone therapy, targeted drugs, "
            "immunotherapy and surgery [1][4]. For many people it improves after treatment ends, but for some "
            "it lasts for months or longer [3].</p>"
            "<h2>What causes it</h2>"
            "<p>Fatigue usually has more than one cause. Common ones include [1][2]:</p>"
            "<ul>"
            "<li>The cancer itself and its treatment</li>"
            "<li>Anemia, which means having too few red blood cells</li>"
            "<li>Pain, and some medicines used for pain, nausea or sleep</li>"
            "<li>Poor sleep</li>"
            "<li>Stress, anxiety or depression</li>"
            "<li>Not eating or drinking enough</li>"
            "<li>Being less active than usual, which makes the body lose strength</li>"
            "<li>Other health problems, such as an underactive thyroid or an infection</li>"
            "</ul>"
            "<h2>Tell your care team</h2>"
            "<p>Fatigue is a real side effect, not a sign of weakness. Your care team may ask you to rate it on "
            "a scale from 0 to 10. They can look for causes that can be treated, such as anemia, thyroid "
            "problems, pain or depression [1]. Keeping a short diary of when you feel most and least tired can "
            "help you and your team spot patterns [3].</p>"
            "<h2>Stay active</h2>"
            "<p>It may sound strange, but regular physical activity is one of the best-studied ways to reduce "
            "cancer-related fatigue [1][2]. Even short walks can help. Start slowly, and ask your care team "
            "what type and amount of activity is safe for you, especially if you have low blood counts or "
            "cancer in your bones.</p>"
            "<h2>Save your energy</h2>"
            "<ul>"
            "<li><strong>Plan.</strong> Do the most important tasks at the time of day when you usually have "
            "the most energy.</li>"
            "<li><strong>Pace yourself.</strong> Break big jobs into smaller steps and rest in between.</li>"
            "<li><strong>Prioritize.</strong> Let go of tasks that can wait, and accept offers of help with "
            "shopping, cooking or child care [3].</li>"
            "<li><strong>Nap wisely.</strong> Short naps of less than an hour can help, but long naps may make "
            "it harder to sleep at night [2].</li>"
            "</ul>"
            "<h2>Other things that may help</h2>"
            "<ul>"
            "<li>Eat regular meals and drink enough fluids. A dietitian can help if eating is hard [2].</li>"
            "<li>Keep a regular sleep schedule and limit caffeine later in the day [1].</li>"
            "<li>Talking with a counselor, joining a support group, or trying mind-body practices such as yoga "
            "may ease fatigue and stress [1].</li>"
            "</ul>"
            "<h2>When to call your doctor</h2>"
            "<p>Call your care team right away if you suddenly feel much more tired, cannot get out of bed, "
            "feel dizzy or confused, or are short of breath. These can be signs of a problem that needs prompt "
            "care, such as anemia or an infection [1].</p>"
        ),
        "status": "published",
        "publish_days_ago": 150,
        "author": "editor",
        "reviews": [
            {
                "reviewer": "david-okafor",
                "reviewed_on": "2026-06-19",
                "notes": "Full review before publication. Added when to call the care team urgently.",
            },
        ],
        "referenced_on": "2026-06-15",
        "tags": ["side effects", "fatigue", "chemotherapy", "radiation therapy", "survivorship"],
        "series": None,
        "citations": ["nci-fatigue", "mayo-fatigue", "cruk-fatigue", "acs-chemo"],
        "related": [
            "understanding-lymphedema-after-breast-cancer-treatment",
            "stage-4-breast-cancer-treatment-options",
        ],
        "funding": "",
    },
    # ------------------------------------------------------------------ Draft: genetic testing
    {
        "slug": "genetic-testing-for-breast-cancer-risk-brca1-and-brca2",
        "title": "Genetic Testing for Breast Cancer Risk (BRCA1 and BRCA2)",
        "summary": (
            "Inherited changes in the BRCA1 and BRCA2 genes raise the risk of breast and ovarian cancer. Learn "
            "who might consider genetic testing, what the results mean, and the options for managing a higher "
            "risk."
        ),
        "body": (
            "<p>About 5% to 10% of breast cancers are linked to gene changes passed down in families [4]. The "
            "best known are changes in the BRCA1 and BRCA2 genes. Genetic testing can show whether you carry "
            "one of these changes. This can help you and your doctors plan screening, prevention and sometimes "
            "treatment [1].</p>"
            "<h2>What BRCA1 and BRCA2 do</h2>"
            "<p>Everyone has two copies of the BRCA1 and BRCA2 genes. Normally, these genes make proteins that "
            "help repair damaged DNA. A harmful change, also called a pathogenic variant, can stop a gene from "
            "working properly. Damage then builds up, and cancer is more likely to develop [2].</p>"
            "<p>A child of a person with a harmful BRCA change has a 50% chance of inheriting it. The change can "
            "be passed down through either the mother's or the father's side of the family [1].</p>"
            "<h2>How much the risk goes up</h2>"
            "<p>About 13% of women in the general population will get breast cancer at some point in their "
            "lives. By age 80, that risk is about 72% for women with a harmful BRCA1 change and about 69% for "
            "women with a harmful BRCA2 change [1]. These changes also raise the risk of ovarian cancer and, to "
            "a lesser degree, of prostate cancer, pancreatic cancer and breast cancer in men [1][2].</p>"
            "<p>Changes in other genes, such as PALB2, CHEK2, ATM, TP53 and PTEN, can also raise breast cancer "
            "risk. Many tests now check several genes at once. This is called a multigene panel [3].</p>"
            "<h2>Who might consider testing</h2>"
            "<p>Testing may be recommended if you [1][3]:</p>"
            "<ul>"
            "<li>Have a close relative with a known harmful BRCA change</li>"
            "<li>Had breast cancer at a young age, such as 50 or younger, or had triple-negative breast "
            "cancer</li>"
            "<li>Have had ovarian, fallopian tube or primary peritoneal cancer, or breast cancer as a man</li>"
            "<li>Have several relatives on the same side of the family with breast, ovarian, pancreatic or "
            "prostate cancer</li>"
            "<li>Have Ashkenazi Jewish ancestry, because certain BRCA changes are more common in this group</li>"
            "</ul>"
            "<p>Some expert groups now suggest offering testing to most people newly diagnosed with breast "
            "cancer, because the results can affect treatment choices.</p>"
            "<h2>Genetic counseling</h2>"
            "<p>Meeting with a genetic counselor before and after testing is strongly recommended. A counselor "
            "can review your family history, explain what the test can and cannot tell you, and help you decide "
            "whether to be tested [1][3].</p>"
            "<h2>Understanding your results</h2>"
            "<ul>"
            "<li><strong>Positive</strong>: a harmful change was found. Your risk is higher, but this does not "
            "mean you will definitely get cancer.</li>"
            "<li><strong>Negative</strong>: no harmful change was found. If a relative has a known change and "
            "you did not inherit it, your risk is usually close to average. Otherwise, your family history "
            "still matters.</li>"
            "<li><strong>Variant of uncertain significance</strong>: a change was found, but it is not yet known "
            "whether it affects cancer risk. Most of these are later found to be harmless. In the meantime, "
            "decisions are usually based on your family history [1].</li>"
            "</ul>"
            "<h2>Options if you have a harmful change</h2>"
            "<p>There are several ways to manage a higher risk [1][4]:</p>"
            "<ul>"
            "<li><strong>Extra screening</strong>, such as a yearly breast MRI and mammogram, often starting "
            "between ages 25 and 30</li>"
            "<li><strong>Medicines</strong> such as tamoxifen, which can lower breast cancer risk for some "
            "people</li>"
            "<li><strong>Risk-reducing surgery</strong> to remove both breasts, which lowers breast cancer risk "
            "by about 90% or more, or to remove the ovaries and fallopian tubes, which greatly lowers ovarian "
            "cancer risk</li>"
            "</ul>"
            "<p>For people who already have breast cancer, a harmful BRCA change may affect surgery choices and "
            "can make a type of drug called a PARP inhibitor an option [1].</p>"
            "<h2>Privacy and insurance</h2>"
            "<p>In the United States, a federal law called the Genetic Information Nondiscrimination Act (GINA) "
            "protects people from genetic discrimination by health insurers and most employers. It does not "
            "cover life, disability or long-term care insurance [1].</p>"
        ),
        "status": "draft",
        "publish_days_ago": 0,
        "author": "editor",
        "reviews": [],
        "referenced_on": None,
        "tags": ["breast cancer", "genetics", "diagnosis", "prevention"],
        "series": None,
        "citations": ["nci-brca", "medlineplus-brca", "cdc-hboc", "mayo-breast"],
        "related": [
            "symptoms-of-breast-cancer-recurrence-and-outlook",
            "stage-0-breast-cancer-treatment-options",
        ],
        "funding": "",
    },
    # ------------------------------------------------------------------ Scheduled: questions for the care team
    {
        "slug": "questions-to-ask-your-breast-cancer-care-team",
        "title": "Questions to Ask Your Breast Cancer Care Team",
        "summary": (
            "A practical list of questions to bring to appointments after a breast cancer diagnosis, covering "
            "your diagnosis, treatment options, side effects, daily life and costs."
        ),
        "body": (
            "<p>After a breast cancer diagnosis, appointments can feel rushed, and there is a lot to take in. "
            "Writing your questions down ahead of time helps you get the information you need to make decisions "
            "[1][2].</p>"
            "<h2>Getting ready for appointments</h2>"
            "<ul>"
            "<li>Bring a family member or friend to listen, take notes and ask questions you might forget.</li>"
            "<li>Ask whether you can record the conversation.</li>"
            "<li>Ask for copies of your pathology report and test results.</li>"
            "<li>Put your most important questions first, in case time runs short [2].</li>"
            "</ul>"
            "<h2>About your diagnosis</h2>"
            "<p>The answers to these questions shape your treatment options [3]:</p>"
            "<ul>"
            "<li>What type of breast cancer do I have?</li>"
            "<li>What is the stage, and what does that mean for me?</li>"
            "<li>What is the grade of the cancer?</li>"
            "<li>Is the cancer hormone receptor-positive? Is it HER2-positive?</li>"
            "<li>Do I need any more tests before treatment starts?</li>"
            "<li>Should I have genetic testing?</li>"
            "</ul>"
            "<h2>About treatment</h2>"
            "<p>Your options will depend on the stage and features of your cancer [4]. You might ask [1]:</p>"
            "<ul>"
            "<li>What are my treatment options, and which do you recommend? Why?</li>"
            "<li>What is the goal of my treatment?</li>"
            "<li>Should I have medicine before surgery?</li>"
            "<li>Can I have breast-conserving surgery? What are the pros and cons compared with "
            "mastectomy?</li>"
            "<li>Will I need radiation therapy, chemotherapy, hormone therapy or targeted therapy?</li>"
            "<li>How long will treatment last, and how soon do I need to start?</li>"
            "<li>Is there a clinical trial that might be right for me?</li>"
            "</ul>"
            "<h2>About side effects and daily life</h2>"
            "<ul>"
            "<li>What side effects should I expect, and how long might they last?</li>"
            "<li>Which side effects should I call about right away, and whom do I call after hours?</li>"
            "<li>Will treatment affect my ability to work, exercise or care for my family?</li>"
            "<li>Could treatment affect my fertility or cause early menopause?</li>"
            "<li>What is my risk of lymphedema, and how can I lower it?</li>"
            "</ul>"
            "<p>If you might want children in the future, raise this before treatment begins. Some ways of "
            "protecting fertility need to start before treatment [1].</p>"
            "<h2>About costs and support</h2>"
            "<ul>"
            "<li>Will my insurance cover this treatment? Who can help me understand the costs?</li>"
            "<li>Is there a social worker, nurse navigator or financial counselor I can talk to?</li>"
            "<li>Are there support groups or counseling services for people with breast cancer?</li>"
            "</ul>"
            "<h2>Getting a second opinion</h2>"
            "<p>Many people get a second opinion before starting treatment, and doctors expect it. A second "
            "opinion can confirm your diagnosis and plan, or bring up another option. Ask your care team how "
            "long you can safely take to decide [2].</p>"
            "<p>For more help, the National Cancer Institute's Cancer Information Service answers questions by "
            'phone and online chat. Learn more at <a href="https://www.cancer.gov/contact">cancer.gov/contact</a>.</p>'
        ),
        "status": "published",
        "publish_days_ago": -7,
        "author": "editor",
        "reviews": [
            {
                "reviewer": "lucia-moreno",
                "reviewed_on": "2026-10-28",
                "notes": "Full review ahead of scheduled publication.",
            },
        ],
        "referenced_on": "2026-10-26",
        "tags": ["breast cancer", "diagnosis", "treatment"],
        "series": None,
        "citations": ["acs-questions", "nci-questions", "nci-breast-pdq", "acs-stages-1-3"],
        "related": [
            "stage-1-breast-cancer-treatment-options",
            "stage-2-breast-cancer-treatment-options",
            "managing-fatigue-during-cancer-treatment",
        ],
        "funding": "",
    },
]
